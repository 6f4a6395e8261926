Feature: The shipped teaching profiles reach what a teacher expects
  Each hypothetical profile in profiles/ illustrates one idea of the review. These scenarios pin
  down what each one must (and must not) reach, so that a rule change that breaks a lesson fails.

  Scenario: A hot, unsuppressed tumour shows favourable biomarkers, and no suppressive profile
    Given the profile "hot-unsuppressed"
    When the profile is evaluated
    Then the finding "high_tmb" is inferred by rule "tmb-high"
    And the finding "high_pdl1_expression" is inferred by rule "pd-l1-tps-high"
    And the finding "elevated_checkpoint_ligands" is ruled out
    And the finding "low_immunogenicity" is not inferred
    And the finding "low_pdl1_expression" is not inferred
    And the finding "suppressive_immune_cells" is not inferred
    And the finding "t_cell_exclusion" is not inferred
    And the strategy "biomarker_guided_personalization" is suggested
    And the strategy "multi_pathway_combination" is not suggested
    And every conclusion cites the review

  Scenario: A cold immune desert reaches the partners that might prime T cells
    Given the profile "cold-desert"
    When the profile is evaluated
    Then the finding "immune_desert" is inferred by rule "t-cells-desert"
    And the finding "t_cell_exclusion" is not inferred
    And the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the finding "low_pdl1_expression" is inferred by rule "pd-l1-tps-negative"
    And the finding "cps_below_keynote355" is inferred by rule "pd-l1-cps-low"
    And the finding "antigen_presentation_loss" is inferred by rule "tumor-antigens-down"
    And the strategy "oncolytic_virus_combination" is suggested by rule "desert-to-oncolytic-virus"
    And the strategy "tlr_agonist_adjuvant" is suggested
    And the strategy "sting_agonist_adjuvant" is suggested
    And the strategy "cancer_vaccine_combination" is suggested by rule "desert-to-vaccine"
    And the strategy "ici_plus_chemotherapy" is suggested by rule "antigen-loss-to-chemotherapy"
    And the strategy "ici_plus_chemotherapy" is suggested by rule "desert-to-chemotherapy"
    And the strategy "adoptive_cell_transfer" is suggested by rule "desert-to-adoptive-cell-transfer"
    And the rule "mhc-loss-to-adoptive-cell-transfer" does not fire
    And the strategy "multi_pathway_combination" is suggested by rule "several-mechanisms-to-multi-pathway"
    And the rationale mentions "tmb 1.2 < tmb_high 10 mut/Mb"
    And the rationale mentions "a vaccine cannot add antigens to a tumour"

  Scenario: A hypoxic, acidic, excluded tumour has three microenvironment mechanisms
    Given the profile "hypoxic-tumour"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred by rule "hypoxia-high"
    And the finding "acidic_tme" is inferred by rule "acidity-acidic"
    And the finding "t_cell_exclusion" is inferred by rule "t-cells-excluded"
    And the finding "immune_desert" is not inferred
    And the strategy "hypoxia_targeting" is suggested by rule "hypoxia-to-hypoxia-targeting"
    And the strategy "tlr_agonist_adjuvant" is not suggested
    And the strategy "multi_pathway_combination" is suggested
    And the strategy "single_cell_and_ml_profiling" is suggested by rule "many-mechanisms-to-single-cell-profiling"
    And the strategy "treg_depletion" is not suggested

  Scenario: TGF-beta-high primary resistance reaches TGF-beta inhibition, consistent with the history
    Given the profile "tgf-beta-primary-resistance"
    When the profile is evaluated
    Then the finding "immunosuppressive_cytokines" is inferred by rule "tgf-beta-elevated"
    And the finding "elevated_checkpoint_ligands" is inferred by rule "pd-l1-high-as-checkpoint-ligand"
    And the finding "high_pdl1_expression" is inferred by rule "pd-l1-tps-high"
    And the rule "il10-elevated" does not fire
    And the strategy "tgf_beta_inhibition" is suggested by rule "tgf-beta-to-tgf-beta-inhibition"
    And the strategy "multi_pathway_combination" is suggested
    And the rule "hypoxia-high" does not fire
    And the rationale mentions "Consistent with the history"

  Scenario: Acquired resistance with TIM-3 raised reaches an anti-TIM-3 combination
    Given the profile "acquired-resistance-tim3"
    When the profile is evaluated
    Then the finding "alternative_checkpoint_upregulation" is inferred by rule "tim3-elevated"
    And the rule "lag3-elevated" does not fire
    And the strategy "anti_tim3_combination" is suggested by rule "tim3-to-anti-tim3"
    And the strategy "anti_lag3_combination" is not suggested
    And the strategy "multi_pathway_combination" is suggested by rule "alt-checkpoints-to-multi-pathway"
    And the finding "high_tmb" is inferred
    And the finding "elevated_checkpoint_ligands" is undecided
    And the rule "several-mechanisms-to-multi-pathway" is undecided
    And the rationale mentions "Acquired names the clinical timing, adaptive the mechanism"

  @cli
  Scenario: MHC class I lost outright reaches cells that need no MHC, not partners that cannot restore it
    Given the profile "mhc-loss"
    When the profile is evaluated
    Then the finding "antigen_presentation_loss" is inferred by rule "mhc-class-i-down"
    And the rule "tumor-antigens-down" does not fire
    And the strategy "adoptive_cell_transfer" is suggested by rule "mhc-loss-to-adoptive-cell-transfer"
    And the strategy "ici_plus_chemotherapy" is not suggested
    And the strategy "ici_plus_targeted_therapy" is undecided
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is undecided
    And the finding "high_pdl1_expression" is not inferred
    And the rationale mentions "only CAR T cells bind their antigen directly, without MHC"

  @cli
  Scenario: A sparse profile reports what it cannot decide instead of guessing
    Given the profile "sparse-unknowns"
    When the profile is evaluated
    Then the finding "low_immunogenicity" is inferred by rule "tmb-below-high"
    And the rule "hypoxia-high" is not evaluated because "hypoxia" is unknown
    And the rule "tregs-to-treg-depletion" is not evaluated because "tregs" is unknown
    And the finding "hypoxic_tme" is undecided
    And the rationale mentions "unknown: pd_l1_tps"
    And the rationale mentions "rests on a borderline value: tmb"

  Scenario: Abundant suppressive cells reach Treg depletion and MDSC targeting, IL-10 alone not TGF-beta inhibition
    Given the profile "suppressive-cells"
    When the profile is evaluated
    Then the finding "suppressive_immune_cells" is inferred by rule "tregs-abundant"
    And the finding "suppressive_immune_cells" is inferred by rule "mdscs-abundant"
    And the finding "immunosuppressive_cytokines" is inferred by rule "il10-elevated"
    And the strategy "treg_depletion" is suggested
    And the strategy "mdsc_targeting" is suggested
    And the strategy "tgf_beta_inhibition" is not suggested
    And the strategy "multi_pathway_combination" is suggested

  Scenario: Oncogenic and epigenetic evasion reach targeted-therapy combinations
    Given the profile "oncogenic-and-epigenetic"
    When the profile is evaluated
    Then the finding "oncogenic_pathway_evasion" is inferred by rule "oncogenic-alterations-found"
    And the finding "epigenetic_immune_silencing" is inferred by rule "epigenetic-silencing"
    And the strategy "ici_plus_targeted_therapy" is suggested by rule "oncogenic-to-targeted-therapy"
    And the strategy "ici_plus_targeted_therapy" is suggested by rule "epigenetic-to-targeted-therapy"
    And the finding "low_pdl1_expression" is ruled out
    And the finding "cps_below_keynote355" is undecided

  Scenario: LAG-3 and VISTA each reach their own inhibitor combination
    Given the profile "lag3-vista-checkpoints"
    When the profile is evaluated
    Then the finding "alternative_checkpoint_upregulation" is inferred by rule "lag3-elevated"
    And the finding "alternative_checkpoint_upregulation" is inferred by rule "vista-elevated"
    And the strategy "anti_lag3_combination" is suggested
    And the strategy "anti_vista_combination" is suggested
    And the strategy "anti_tim3_combination" is not suggested

  Scenario: Many overlapping mechanisms reach single-cell and ML profiling
    Given the profile "many-mechanisms"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred
    And the finding "t_cell_exclusion" is inferred
    And the finding "suppressive_immune_cells" is inferred
    And the finding "immunosuppressive_cytokines" is inferred
    And the finding "antigen_presentation_loss" is inferred
    And the finding "alternative_checkpoint_upregulation" is inferred
    And the strategy "single_cell_and_ml_profiling" is suggested
    And the strategy "adoptive_cell_transfer" is suggested
    And the strategy "tgf_beta_inhibition" is suggested
    And the strategy "treg_depletion" is suggested
    And the strategy "mdsc_targeting" is undecided
    And every conclusion cites the review
