# Written by `icitrace scenario` from profiles/hypoxic-tumour.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: hypoxic-tumour
# tumour type: hypothetical head and neck squamous cell carcinoma
# description: A poorly oxygenated, acidic tumour whose T cells stay at its margin (excluded, not a
# + desert): three microenvironment mechanisms at once.
Feature: hypoxic-tumour

  Scenario: What hypoxic-tumour reaches, rules out and leaves undecided
    Given a profile with:
      | field               | value    |
      | tmb                 | 6        |
      | pd_l1_tps           | 15       |
      | tregs               | absent   |
      | mdscs               | absent   |
      | hypoxia             | high     |
      | acidity             | acidic   |
      | t_cell_infiltration | excluded |
      | mhc_class_i         | intact   |
      | tumor_antigens      | intact   |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred by rule "hypoxia-high"
    And the finding "acidic_tme" is inferred by rule "acidity-acidic"
    And the finding "suppressive_immune_cells" is ruled out
    And the finding "antigen_presentation_loss" is ruled out
    And the finding "alternative_checkpoint_upregulation" is undecided
    And the finding "immunosuppressive_cytokines" is undecided
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is inferred by rule "t-cells-excluded"
    And the finding "immune_desert" is ruled out
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is ruled out
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is ruled out
    And the finding "high_pdl1_expression" is ruled out
    And the strategy "ici_plus_chemotherapy" is suggested by rule "exclusion-to-chemotherapy"
    And the strategy "ici_plus_targeted_therapy" is undecided
    And the strategy "cancer_vaccine_combination" is suggested by rule "low-tmb-to-vaccine"
    And the strategy "oncolytic_virus_combination" is suggested by rule "exclusion-to-oncolytic-virus"
    And the strategy "treg_depletion" is ruled out
    And the strategy "mdsc_targeting" is ruled out
    And the strategy "tgf_beta_inhibition" is undecided
    And the strategy "hypoxia_targeting" is suggested by rule "hypoxia-to-hypoxia-targeting"
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-tmb-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is undecided
    And the strategy "anti_lag3_combination" is undecided
    And the strategy "anti_vista_combination" is undecided
    And the strategy "multi_pathway_combination" is suggested by rule "several-mechanisms-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is ruled out
    And the strategy "tlr_agonist_adjuvant" is ruled out
    And the strategy "sting_agonist_adjuvant" is ruled out
    And the strategy "single_cell_and_ml_profiling" is suggested by rule "many-mechanisms-to-single-cell-profiling"
