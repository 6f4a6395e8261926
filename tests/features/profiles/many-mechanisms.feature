# Written by `icitrace scenario` from profiles/many-mechanisms.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: many-mechanisms
# tumour type: hypothetical colorectal carcinoma (microsatellite stable)
# description: Six resistance mechanisms at once (hypoxia, abundant Tregs, TGF-beta, reduced MHC,
# + TIM-3, T cells held at the margin): past icitrace's own threshold of three, where the review's
# + single-cell and machine-learning research methods are listed.
Feature: many-mechanisms

  Scenario: What many-mechanisms reaches, rules out and leaves undecided
    Given a profile with:
      | field               | value              |
      | tmb                 | 3                  |
      | pd_l1_tps           | 0.5                |
      | tgf_beta            | elevated           |
      | tim3                | elevated           |
      | tregs               | abundant           |
      | hypoxia             | high               |
      | t_cell_infiltration | excluded           |
      | mhc_class_i         | reduced            |
      | tumor_antigens      | intact             |
      | ici_history         | primary_resistance |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred by rule "hypoxia-high"
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is inferred by rule "tregs-abundant"
    And the finding "antigen_presentation_loss" is inferred by rule "mhc-class-i-down"
    And the finding "alternative_checkpoint_upregulation" is inferred by rule "tim3-elevated"
    And the finding "immunosuppressive_cytokines" is inferred by rule "tgf-beta-elevated"
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is inferred by rule "t-cells-excluded"
    And the finding "immune_desert" is ruled out
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is inferred by rule "pd-l1-tps-negative"
    And the finding "cps_below_keynote355" is undecided
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is ruled out
    And the finding "high_pdl1_expression" is ruled out
    And the strategy "ici_plus_chemotherapy" is suggested by rule "antigen-loss-to-chemotherapy"
    And the strategy "ici_plus_chemotherapy" is suggested by rule "exclusion-to-chemotherapy"
    And the strategy "ici_plus_targeted_therapy" is suggested by rule "antigen-loss-to-targeted-therapy"
    And the strategy "cancer_vaccine_combination" is suggested by rule "low-tmb-to-vaccine"
    And the strategy "oncolytic_virus_combination" is suggested by rule "exclusion-to-oncolytic-virus"
    And the strategy "treg_depletion" is suggested by rule "tregs-to-treg-depletion"
    And the strategy "mdsc_targeting" is undecided
    And the strategy "tgf_beta_inhibition" is suggested by rule "tgf-beta-to-tgf-beta-inhibition"
    And the strategy "hypoxia_targeting" is suggested by rule "hypoxia-to-hypoxia-targeting"
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-tmb-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-pdl1-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is suggested by rule "tim3-to-anti-tim3"
    And the strategy "anti_lag3_combination" is undecided
    And the strategy "anti_vista_combination" is undecided
    And the strategy "multi_pathway_combination" is suggested by rule "alt-checkpoints-to-multi-pathway"
    And the strategy "multi_pathway_combination" is suggested by rule "several-mechanisms-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is suggested by rule "mhc-loss-to-adoptive-cell-transfer"
    And the strategy "tlr_agonist_adjuvant" is ruled out
    And the strategy "sting_agonist_adjuvant" is ruled out
    And the strategy "single_cell_and_ml_profiling" is suggested by rule "many-mechanisms-to-single-cell-profiling"
