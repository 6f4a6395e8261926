# Written by `icitrace scenario` from profiles/hot-unsuppressed.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: hot-unsuppressed
# tumour type: hypothetical melanoma
# description: A 'hot' inflamed tumour with many mutations, strong PD-L1 and no suppressive feature
# + recorded. Its biomarker signals are associated with more responses in trials outside the review;
# + with no suppressive cytokine raised, its high PD-L1 is not read as the review's suppressive
# + profile.
Feature: hot-unsuppressed

  Scenario: What hot-unsuppressed reaches, rules out and leaves undecided
    Given a profile with:
      | field                 | value    |
      | tmb                   | 18.5     |
      | pd_l1_tps             | 70       |
      | pd_l1_cps             | 85       |
      | il10                  | normal   |
      | tgf_beta              | normal   |
      | tim3                  | normal   |
      | lag3                  | normal   |
      | vista                 | low      |
      | tregs                 | absent   |
      | mdscs                 | absent   |
      | hypoxia               | low      |
      | acidity               | normal   |
      | t_cell_infiltration   | inflamed |
      | mhc_class_i           | intact   |
      | tumor_antigens        | intact   |
      | oncogenic_alterations |          |
      | epigenetic_silencing  | false    |
      | ici_history           | naive    |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is ruled out
    And the finding "acidic_tme" is ruled out
    And the finding "suppressive_immune_cells" is ruled out
    And the finding "antigen_presentation_loss" is ruled out
    And the finding "alternative_checkpoint_upregulation" is ruled out
    And the finding "immunosuppressive_cytokines" is ruled out
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is ruled out
    And the finding "epigenetic_immune_silencing" is ruled out
    And the finding "t_cell_exclusion" is ruled out
    And the finding "immune_desert" is ruled out
    And the finding "low_immunogenicity" is ruled out
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is ruled out
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is inferred by rule "tmb-high"
    And the finding "high_pdl1_expression" is inferred by rule "pd-l1-tps-high"
    And the strategy "ici_plus_chemotherapy" is ruled out
    And the strategy "ici_plus_targeted_therapy" is ruled out
    And the strategy "cancer_vaccine_combination" is ruled out
    And the strategy "oncolytic_virus_combination" is ruled out
    And the strategy "treg_depletion" is ruled out
    And the strategy "mdsc_targeting" is ruled out
    And the strategy "tgf_beta_inhibition" is ruled out
    And the strategy "hypoxia_targeting" is ruled out
    And the strategy "biomarker_guided_personalization" is suggested by rule "high-tmb-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "high-pdl1-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is ruled out
    And the strategy "anti_lag3_combination" is ruled out
    And the strategy "anti_vista_combination" is ruled out
    And the strategy "multi_pathway_combination" is ruled out
    And the strategy "adoptive_cell_transfer" is ruled out
    And the strategy "tlr_agonist_adjuvant" is ruled out
    And the strategy "sting_agonist_adjuvant" is ruled out
    And the strategy "single_cell_and_ml_profiling" is ruled out
