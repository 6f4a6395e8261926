Feature: Combination partners for checkpoint inhibitors (review [3], [6] and its conclusion)
  Scenarios for the rules of rules/strategies-combinations.yaml; combination rules join the
  mechanism findings the engine derived.

  Scenario: With MHC unknown, whether chemotherapy could restore presentation stays undecided
    Given the profile field "tumor_antigens" is "reduced"
    When the profile is evaluated
    Then the finding "antigen_presentation_loss" is inferred
    And the rule "antigen-loss-to-chemotherapy" is not evaluated because "mhc_class_i" is unknown

  Scenario Outline: Two mechanisms reach a multi-pathway combination, three single-cell profiling
    Given the profile "hot-unsuppressed"
    And a profile with:
      | field   | value     |
      | hypoxia | <hypoxia> |
      | acidity | <acidity> |
      | tregs   | <tregs>   |
    When the profile is evaluated
    Then the rule "several-mechanisms-to-multi-pathway" <two>
    And the rule "many-mechanisms-to-single-cell-profiling" <three>

    Examples: every other field that could add a mechanism is known (from hot-unsuppressed), so each count is decided
      | hypoxia | acidity | tregs    | two                    | three                  |
      | high    | normal  | absent   | is decided not to fire | is decided not to fire |
      | high    | acidic  | absent   | fires                  | is decided not to fire |
      | high    | acidic  | present  | fires                  | is decided not to fire |
      | high    | acidic  | abundant | fires                  | fires                  |

  Scenario: A single known mechanism with the rest unknown leaves the count undecided
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the rule "several-mechanisms-to-multi-pathway" is not evaluated because "acidity" is unknown

  Scenario: Biomarker signals are not mechanisms
    Given a profile with:
      | field     | value |
      | tmb       | 2     |
      | pd_l1_tps | 0     |
    When the profile is evaluated
    Then the finding "low_immunogenicity" is inferred
    And the finding "low_pdl1_expression" is inferred
    And the rule "several-mechanisms-to-multi-pathway" is undecided
    And every conclusion cites the review

  Scenario: A vaccine for a low-TMB tumour waits on MHC class I, which its primed T cells need
    Given the profile field "tmb" is 4
    When the profile is evaluated
    Then the finding "low_immunogenicity" is inferred
    And the rule "low-tmb-to-vaccine" is not evaluated because "mhc_class_i" is unknown
    And the strategy "cancer_vaccine_combination" is undecided

  Scenario Outline: Epigenetic silencing beside lowered MHC class I: the review's epigenetic cause, a partner that acts on it
    Given a profile with:
      | field                | value  |
      | epigenetic_silencing | true   |
      | mhc_class_i          | <mhc>  |
    When the profile is evaluated
    Then the rule "epigenetic-cause-of-presentation-loss" <outcome>
    And the rule "epigenetic-to-targeted-therapy" fires

    Examples: MHC class I lost outright is often genetic: no epigenetic reading of it
      | mhc     | outcome                |
      | reduced | fires                  |
      | lost    | is decided not to fire |
      | intact  | is decided not to fire |

  Scenario: Antigens the tumour has lost leave nothing for presentation, priming or vaccines to act on
    Given a profile with:
      | field               | value  |
      | tumor_antigens      | lost   |
      | mhc_class_i         | intact |
      | tmb                 | 3      |
      | t_cell_infiltration | desert |
    When the profile is evaluated
    Then the finding "antigen_presentation_loss" is inferred by rule "tumor-antigens-down"
    And the rule "antigen-loss-to-chemotherapy" is ruled out by "tumor_antigens"
    And the rule "antigen-loss-to-targeted-therapy" is ruled out by "tumor_antigens"
    And the rule "low-tmb-to-vaccine" is ruled out by "tumor_antigens"
    And the rule "desert-to-vaccine" is ruled out by "tumor_antigens"
    And the strategy "ici_plus_chemotherapy" is suggested by rule "desert-to-chemotherapy"

  Scenario Outline: Each rule of this file fires on one teaching profile and is decided not to fire on another
    Given the profile "<fires on>"
    When the profile is evaluated
    Then the rule "<rule>" fires
    Given the profile "<decided not on>"
    When the profile is evaluated
    Then the rule "<rule>" is decided not to fire

    Examples: the shipped profiles that show each rule either way
      | rule                                | fires on                 | decided not on           |
      | antigen-loss-to-chemotherapy        | cold-desert              | hot-unsuppressed         |
      | antigen-loss-to-targeted-therapy    | cold-desert              | hot-unsuppressed         |
      | exclusion-to-chemotherapy           | hypoxic-tumour           | acquired-resistance-tim3 |
      | desert-to-chemotherapy              | cold-desert              | acquired-resistance-tim3 |
      | oncogenic-to-targeted-therapy       | oncogenic-and-epigenetic | hot-unsuppressed         |
      | epigenetic-to-targeted-therapy      | oncogenic-and-epigenetic | hot-unsuppressed         |
      | low-tmb-to-vaccine                  | cold-desert              | acquired-resistance-tim3 |
      | desert-to-vaccine                   | cold-desert              | acquired-resistance-tim3 |
      | exclusion-to-oncolytic-virus        | hypoxic-tumour           | acquired-resistance-tim3 |
      | desert-to-oncolytic-virus           | cold-desert              | acquired-resistance-tim3 |
      | tim3-to-anti-tim3                   | acquired-resistance-tim3 | hot-unsuppressed         |
      | lag3-to-anti-lag3                   | lag3-vista-checkpoints   | acquired-resistance-tim3 |
      | vista-to-anti-vista                 | lag3-vista-checkpoints   | acquired-resistance-tim3 |
      | alt-checkpoints-to-multi-pathway    | acquired-resistance-tim3 | hot-unsuppressed         |
      | several-mechanisms-to-multi-pathway | cold-desert              | hot-unsuppressed         |
