# Written by `icitrace scenario` from profiles/mhc-loss.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: mhc-loss
# tumour type: hypothetical melanoma
# description: MHC class I lost outright while tumour antigens are still made. Chemotherapy and
# + targeted partners are not drawn, since they cannot restore MHC that is gone; CAR T cells, which
# + bind antigen without MHC, are.
Feature: mhc-loss

  Scenario: What mhc-loss reaches, rules out and leaves undecided
    Given a profile with:
      | field               | value               |
      | tmb                 | 22                  |
      | pd_l1_tps           | 5                   |
      | t_cell_infiltration | inflamed            |
      | mhc_class_i         | lost                |
      | tumor_antigens      | intact              |
      | ici_history         | acquired_resistance |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is undecided
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is undecided
    And the finding "antigen_presentation_loss" is inferred by rule "mhc-class-i-down"
    And the finding "alternative_checkpoint_upregulation" is undecided
    And the finding "immunosuppressive_cytokines" is undecided
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is ruled out
    And the finding "immune_desert" is ruled out
    And the finding "low_immunogenicity" is ruled out
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is undecided
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is inferred by rule "tmb-high"
    And the finding "high_pdl1_expression" is ruled out
    And the strategy "ici_plus_chemotherapy" is ruled out
    And the strategy "ici_plus_targeted_therapy" is undecided
    And the strategy "cancer_vaccine_combination" is ruled out
    And the strategy "oncolytic_virus_combination" is ruled out
    And the strategy "treg_depletion" is undecided
    And the strategy "mdsc_targeting" is undecided
    And the strategy "tgf_beta_inhibition" is undecided
    And the strategy "hypoxia_targeting" is undecided
    And the strategy "biomarker_guided_personalization" is suggested by rule "high-tmb-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is undecided
    And the strategy "anti_lag3_combination" is undecided
    And the strategy "anti_vista_combination" is undecided
    And the strategy "multi_pathway_combination" is undecided
    And the strategy "adoptive_cell_transfer" is suggested by rule "mhc-loss-to-adoptive-cell-transfer"
    And the strategy "tlr_agonist_adjuvant" is ruled out
    And the strategy "sting_agonist_adjuvant" is ruled out
    And the strategy "single_cell_and_ml_profiling" is undecided
