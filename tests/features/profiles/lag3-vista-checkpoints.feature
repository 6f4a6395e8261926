# Written by `icitrace scenario` from profiles/lag3-vista-checkpoints.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: lag3-vista-checkpoints
# tumour type: hypothetical renal cell carcinoma
# description: LAG-3 and VISTA both raised, TIM-3 normal: each raised checkpoint has its own
# + inhibitor combination among the candidates, and TIM-3 has none.
Feature: lag3-vista-checkpoints

  Scenario: What lag3-vista-checkpoints reaches, rules out and leaves undecided
    Given a profile with:
      | field       | value               |
      | tmb         | 2.5                 |
      | pd_l1_tps   | 30                  |
      | pd_l1_cps   | 40                  |
      | tim3        | normal              |
      | lag3        | elevated            |
      | vista       | elevated            |
      | ici_history | acquired_resistance |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is undecided
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is undecided
    And the finding "antigen_presentation_loss" is undecided
    And the finding "alternative_checkpoint_upregulation" is inferred by rule "lag3-elevated"
    And the finding "alternative_checkpoint_upregulation" is inferred by rule "vista-elevated"
    And the finding "immunosuppressive_cytokines" is undecided
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is undecided
    And the finding "immune_desert" is undecided
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is ruled out
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is ruled out
    And the finding "high_pdl1_expression" is ruled out
    And the strategy "ici_plus_chemotherapy" is undecided
    And the strategy "ici_plus_targeted_therapy" is undecided
    And the strategy "cancer_vaccine_combination" is undecided
    And the strategy "oncolytic_virus_combination" is undecided
    And the strategy "treg_depletion" is undecided
    And the strategy "mdsc_targeting" is undecided
    And the strategy "tgf_beta_inhibition" is undecided
    And the strategy "hypoxia_targeting" is undecided
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-tmb-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is ruled out
    And the strategy "anti_lag3_combination" is suggested by rule "lag3-to-anti-lag3"
    And the strategy "anti_vista_combination" is suggested by rule "vista-to-anti-vista"
    And the strategy "multi_pathway_combination" is suggested by rule "alt-checkpoints-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is undecided
    And the strategy "tlr_agonist_adjuvant" is undecided
    And the strategy "sting_agonist_adjuvant" is undecided
    And the strategy "single_cell_and_ml_profiling" is undecided
