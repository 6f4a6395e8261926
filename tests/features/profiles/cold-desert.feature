# Written by `icitrace scenario` from profiles/cold-desert.json (icitrace 0.1.0, rules 2026.12.3).
# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.
# id: cold-desert
# tumour type: hypothetical pancreatic adenocarcinoma
# description: An immune desert: few mutations, PD-L1 negative by TPS and hardly any T cells in or
# + around the tumour. Shows the partners icitrace pairs with a tumour where no T-cell response
# + seems to have started, and why a vaccine still needs MHC.
Feature: cold-desert

  Scenario: What cold-desert reaches, rules out and leaves undecided
    Given a profile with:
      | field               | value   |
      | tmb                 | 1.2     |
      | pd_l1_tps           | 0       |
      | pd_l1_cps           | 2       |
      | il10                | normal  |
      | tgf_beta            | normal  |
      | tregs               | absent  |
      | mdscs               | absent  |
      | t_cell_infiltration | desert  |
      | mhc_class_i         | intact  |
      | tumor_antigens      | reduced |
      | ici_history         | naive   |
    When the profile is evaluated
    Then the finding "hypoxic_tme" is undecided
    And the finding "acidic_tme" is undecided
    And the finding "suppressive_immune_cells" is ruled out
    And the finding "antigen_presentation_loss" is inferred by rule "tumor-antigens-down"
    And the finding "alternative_checkpoint_upregulation" is undecided
    And the finding "immunosuppressive_cytokines" is ruled out
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "oncogenic_pathway_evasion" is undecided
    And the finding "epigenetic_immune_silencing" is undecided
    And the finding "t_cell_exclusion" is ruled out
    And the finding "immune_desert" is inferred by rule "t-cells-desert"
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is inferred by rule "pd-l1-tps-negative"
    And the finding "cps_below_keynote355" is inferred by rule "pd-l1-cps-low"
    And the finding "pdl1_negative_on_immune_cells" is undecided
    And the finding "pdl1_immune_cells_imvigor210" is undecided
    And the finding "high_tmb" is ruled out
    And the finding "high_pdl1_expression" is ruled out
    And the strategy "ici_plus_chemotherapy" is suggested by rule "antigen-loss-to-chemotherapy"
    And the strategy "ici_plus_chemotherapy" is suggested by rule "desert-to-chemotherapy"
    And the strategy "ici_plus_targeted_therapy" is suggested by rule "antigen-loss-to-targeted-therapy"
    And the strategy "cancer_vaccine_combination" is suggested by rule "low-tmb-to-vaccine"
    And the strategy "cancer_vaccine_combination" is suggested by rule "desert-to-vaccine"
    And the strategy "oncolytic_virus_combination" is suggested by rule "desert-to-oncolytic-virus"
    And the strategy "treg_depletion" is ruled out
    And the strategy "mdsc_targeting" is ruled out
    And the strategy "tgf_beta_inhibition" is ruled out
    And the strategy "hypoxia_targeting" is undecided
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-tmb-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "low-pdl1-to-biomarker-guided"
    And the strategy "biomarker_guided_personalization" is suggested by rule "cps-below-line-to-biomarker-guided"
    And the strategy "anti_tim3_combination" is undecided
    And the strategy "anti_lag3_combination" is undecided
    And the strategy "anti_vista_combination" is undecided
    And the strategy "multi_pathway_combination" is suggested by rule "several-mechanisms-to-multi-pathway"
    And the strategy "adoptive_cell_transfer" is suggested by rule "desert-to-adoptive-cell-transfer"
    And the strategy "tlr_agonist_adjuvant" is suggested by rule "desert-to-tlr-agonist"
    And the strategy "sting_agonist_adjuvant" is suggested by rule "desert-to-sting-agonist"
    And the strategy "single_cell_and_ml_profiling" is undecided
