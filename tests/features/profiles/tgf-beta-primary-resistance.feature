# Written by `icitrace scenario` from profiles/tgf-beta-primary-resistance.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: tgf-beta-primary-resistance
# tumour type: hypothetical urothelial carcinoma
# description: Never responded to a PD-1 inhibitor (SITC primary resistance), with TGF-beta and
# + PD-L1 raised together and T cells held at the tumour margin: the review's suppressive-baseline
# + story of raised checkpoint ligands and cytokines, consistent with this history, beside the
# + biomarker reading of the same high PD-L1. PD-L1 on immune cells is given as an SP142 trial
# + reports it (IC2+, 5% or more of the tumour area), read by that trial's own line and not as high
# + PD-L1.
Feature: tgf-beta-primary-resistance

  Scenario: What tgf-beta-primary-resistance reaches, rules out and leaves undecided
    Given a profile with:
      | field               | value              |
      | tmb                 | 5                  |
      | pd_l1_tps           | 60                 |
      | pd_l1_ic_sp142      | >=5                |
      | il10                | normal             |
      | tgf_beta            | elevated           |
      | tregs               | absent             |
      | mdscs               | absent             |
      | hypoxia             | low                |
      | t_cell_infiltration | excluded           |
      | ici_history         | primary_resistance |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is ruled out
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is ruled out
    And the finding "antigen_presentation_loss" is undecided
    And the finding "alternative_checkpoint_upregulation" is undecided
    And the finding "immunosuppressive_cytokines" is inferred by rule "tgf-beta-elevated"
    And the finding "elevated_checkpoint_ligands" is inferred by rule "pd-l1-high-as-checkpoint-ligand"
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is inferred by rule "t-cells-excluded"
    And the finding "immune_desert" is ruled out
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is ruled out
    And the finding "pdl1_negative_on_immune_cells" is ruled out
    And the finding "pdl1_immune_cells_imvigor210" is inferred by rule "pd-l1-ic-sp142-imvigor210"
    And the finding "high_tmb" is ruled out
    And the finding "high_pdl1_expression" is inferred by rule "pd-l1-tps-high"
    And the strategy "ici_plus_chemotherapy" is suggested by rule "exclusion-to-chemotherapy"
    And the strategy "ici_plus_targeted_therapy" is undecided
    And the strategy "cancer_vaccine_combination" is undecided
    And the strategy "oncolytic_virus_combination" is suggested by rule "exclusion-to-oncolytic-virus"
    And the strategy "treg_depletion" is ruled out
    And the strategy "mdsc_targeting" is ruled out
    And the strategy "tgf_beta_inhibition" is suggested by rule "tgf-beta-to-tgf-beta-inhibition"
    And the strategy "hypoxia_targeting" is ruled out
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-tmb-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "ic-imvigor210-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "high-pdl1-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is undecided
    And the strategy "anti_lag3_combination" is undecided
    And the strategy "anti_vista_combination" is undecided
    And the strategy "multi_pathway_combination" is suggested by rule "several-mechanisms-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is undecided
    And the strategy "tlr_agonist_adjuvant" is ruled out
    And the strategy "sting_agonist_adjuvant" is ruled out
    And the strategy "single_cell_and_ml_profiling" is undecided
