# Written by `icitrace scenario` from profiles/oncogenic-and-epigenetic.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: oncogenic-and-epigenetic
# tumour type: hypothetical hepatocellular carcinoma
# description: An activated WNT/beta-catenin pathway and epigenetically silenced immune genes:
# + tumour-intrinsic evasion and the inferred targeted-therapy partners. PD-L1 is given twice, as
# + two assays report it: a TPS of 1% (on the line, so not negative by TPS) and IC0 on immune cells
# + by SP142 (under 1% of the tumour area); each is read by its own route, neither as the other.
Feature: oncogenic-and-epigenetic

  Scenario: What oncogenic-and-epigenetic reaches, rules out and leaves undecided
    Given a profile with:
      | field                 | value                       |
      | tmb                   | 4                           |
      | pd_l1_tps             | 1                           |
      | pd_l1_ic_sp142        | <1                          |
      | mhc_class_i           | intact                      |
      | tumor_antigens        | intact                      |
      | oncogenic_alterations | WNT/beta-catenin activation |
      | epigenetic_silencing  | true                        |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is undecided
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is undecided
    And the finding "antigen_presentation_loss" is ruled out
    And the finding "alternative_checkpoint_upregulation" is undecided
    And the finding "immunosuppressive_cytokines" is undecided
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is inferred by rule "oncogenic-alterations-found"
    And the finding "epigenetic_immune_silencing" is inferred by rule "epigenetic-silencing"
    And the finding "t_cell_exclusion" is undecided
    And the finding "immune_desert" is undecided
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is undecided
    And the finding "pdl1_negative_on_immune_cells" is inferred by rule "pd-l1-ic-sp142-negative"
    And the finding "pdl1_immune_cells_imvigor210" is ruled out
    And the finding "high_tmb" is ruled out
    And the finding "high_pdl1_expression" is ruled out
    And the strategy "ici_plus_chemotherapy" is undecided
    And the strategy "ici_plus_targeted_therapy" is suggested by rule "oncogenic-to-targeted-therapy"
    And the strategy "ici_plus_targeted_therapy" is suggested by rule "epigenetic-to-targeted-therapy"
    And the strategy "cancer_vaccine_combination" is suggested by rule "low-tmb-to-vaccine"
    And the strategy "oncolytic_virus_combination" is undecided
    And the strategy "treg_depletion" is undecided
    And the strategy "mdsc_targeting" is undecided
    And the strategy "tgf_beta_inhibition" is undecided
    And the strategy "hypoxia_targeting" is undecided
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-tmb-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "ic-negative-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is undecided
    And the strategy "anti_lag3_combination" is undecided
    And the strategy "anti_vista_combination" is undecided
    And the strategy "multi_pathway_combination" is suggested by rule "several-mechanisms-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is undecided
    And the strategy "tlr_agonist_adjuvant" is undecided
    And the strategy "sting_agonist_adjuvant" is undecided
    And the strategy "single_cell_and_ml_profiling" is undecided
