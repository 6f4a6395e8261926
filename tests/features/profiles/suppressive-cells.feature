# Written by `icitrace scenario` from profiles/suppressive-cells.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: suppressive-cells
# tumour type: hypothetical ovarian carcinoma
# description: Regulatory T cells and MDSCs both abundant, with IL-10 raised but TGF-beta normal:
# + each suppressive cell type reaches its own strategy, while IL-10 alone reaches no TGF-beta
# + inhibition.
Feature: suppressive-cells

  Scenario: What suppressive-cells reaches, rules out and leaves undecided
    Given a profile with:
      | field               | value    |
      | tmb                 | 3.1      |
      | pd_l1_tps           | 2        |
      | il10                | elevated |
      | tgf_beta            | normal   |
      | tregs               | abundant |
      | mdscs               | abundant |
      | t_cell_infiltration | inflamed |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is undecided
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is inferred by rule "tregs-abundant"
    And the finding "suppressive_immune_cells" is inferred by rule "mdscs-abundant"
    And the finding "antigen_presentation_loss" is undecided
    And the finding "alternative_checkpoint_upregulation" is undecided
    And the finding "immunosuppressive_cytokines" is inferred by rule "il10-elevated"
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is ruled out
    And the finding "immune_desert" is ruled out
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is undecided
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is ruled out
    And the finding "high_pdl1_expression" is ruled out
    And the strategy "ici_plus_chemotherapy" is undecided
    And the strategy "ici_plus_targeted_therapy" is undecided
    And the strategy "cancer_vaccine_combination" is undecided
    And the strategy "oncolytic_virus_combination" is ruled out
    And the strategy "treg_depletion" is suggested by rule "tregs-to-treg-depletion"
    And the strategy "mdsc_targeting" is suggested by rule "mdscs-to-mdsc-targeting"
    And the strategy "tgf_beta_inhibition" is ruled out
    And the strategy "hypoxia_targeting" is undecided
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-tmb-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is undecided
    And the strategy "anti_lag3_combination" is undecided
    And the strategy "anti_vista_combination" is undecided
    And the strategy "multi_pathway_combination" is suggested by rule "several-mechanisms-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is undecided
    And the strategy "tlr_agonist_adjuvant" is ruled out
    And the strategy "sting_agonist_adjuvant" is ruled out
    And the strategy "single_cell_and_ml_profiling" is undecided
