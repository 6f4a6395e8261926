# Written by `icitrace scenario` from profiles/acquired-resistance-tim3.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: acquired-resistance-tim3
# tumour type: hypothetical non-small-cell lung cancer
# description: Responded to PD-1 blockade, then progressed (SITC acquired resistance) with TIM-3
# + raised: adaptive resistance through another checkpoint. The high PD-L1 is shown as a biomarker;
# + with IL-10 and TGF-beta unknown, whether it belongs to the review's suppressive profile stays
# + undecided.
Feature: acquired-resistance-tim3

  Scenario: What acquired-resistance-tim3 reaches, rules out and leaves undecided
    Given a profile with:
      | field               | value               |
      | tmb                 | 14                  |
      | pd_l1_tps           | 60                  |
      | tim3                | elevated            |
      | lag3                | normal              |
      | vista               | normal              |
      | tregs               | absent              |
      | mdscs               | absent              |
      | t_cell_infiltration | inflamed            |
      | ici_history         | acquired_resistance |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is undecided
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is ruled out
    And the finding "antigen_presentation_loss" is undecided
    And the finding "alternative_checkpoint_upregulation" is inferred by rule "tim3-elevated"
    And the finding "immunosuppressive_cytokines" is undecided
    And the finding "elevated_checkpoint_ligands" is undecided
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is ruled out
    And the finding "immune_desert" is ruled out
    And the finding "low_immunogenicity" is ruled out
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is ruled out
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is inferred by rule "tmb-high"
    And the finding "high_pdl1_expression" is inferred by rule "pd-l1-tps-high"
    And the strategy "ici_plus_chemotherapy" is undecided
    And the strategy "ici_plus_targeted_therapy" is undecided
    And the strategy "cancer_vaccine_combination" is ruled out
    And the strategy "oncolytic_virus_combination" is ruled out
    And the strategy "treg_depletion" is ruled out
    And the strategy "mdsc_targeting" is ruled out
    And the strategy "tgf_beta_inhibition" is undecided
    And the strategy "hypoxia_targeting" is undecided
    And the strategy "biomarker_guided_personalization" is suggested by rule "high-tmb-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "high-pdl1-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is suggested by rule "tim3-to-anti-tim3"
    And the strategy "anti_lag3_combination" is ruled out
    And the strategy "anti_vista_combination" is ruled out
    And the strategy "multi_pathway_combination" is suggested by rule "alt-checkpoints-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is undecided
    And the strategy "tlr_agonist_adjuvant" is ruled out
    And the strategy "sting_agonist_adjuvant" is ruled out
    And the strategy "single_cell_and_ml_profiling" is undecided
