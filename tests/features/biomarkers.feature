Feature: Biomarker signals at their cut-offs (review [8]; cut-offs from outside the review)
  Scenarios for the rules of rules/biomarkers.yaml: every numeric cut-off on both sides of its edge.

  Scenario Outline: TMB either side of the TMB-high cut-off (10 mut/Mb)
    Given the profile field "tmb" is <tmb>
    And the profile field "mhc_class_i" is "intact"
    And the profile field "tumor_antigens" is "intact"
    When the profile is evaluated
    Then the rule "tmb-below-high" <low>
    And the rule "low-tmb-to-biomarker-guided" <low>
    And the rule "low-tmb-to-vaccine" <low>
    And the rule "tmb-high" <high>
    And the rule "high-tmb-to-biomarker-guided" <high>

    Examples:
      | tmb  | low                    | high                   |
      | 0    | fires                  | is decided not to fire |
      | 9.9  | fires                  | is decided not to fire |
      | 10   | is decided not to fire | fires                  |
      | 10.1 | is decided not to fire | fires                  |

  Scenario Outline: PD-L1 TPS around the negative cut-off (1%)
    Given the profile field "pd_l1_tps" is <tps>
    When the profile is evaluated
    Then the rule "pd-l1-tps-negative" <outcome>
    And the rule "low-pdl1-to-biomarker-guided" <guided>

    Examples: only the TPS decides PD-L1 negative (a CPS under 10 is its own finding)
      | tps | outcome                | guided                 |
      | 0   | fires                  | fires                  |
      | 0.9 | fires                  | fires                  |
      | 1   | is decided not to fire | is decided not to fire |
      | 1.1 | is decided not to fire | is decided not to fire |

  Scenario Outline: PD-L1 TPS around the high cut-off (50%)
    Given the profile field "pd_l1_tps" is <tps>
    When the profile is evaluated
    Then the rule "pd-l1-tps-high" <outcome>
    And the rule "high-pdl1-to-biomarker-guided" <outcome>

    Examples:
      | tps  | outcome                |
      | 49.9 | is decided not to fire |
      | 50   | fires                  |
      | 100  | fires                  |

  Scenario Outline: PD-L1 CPS around 10: below one trial's line, never PD-L1 negative
    Given the profile field "pd_l1_cps" is <cps>
    When the profile is evaluated
    Then the rule "pd-l1-cps-low" <outcome>
    And the rule "cps-below-line-to-biomarker-guided" <outcome>
    And the finding "low_pdl1_expression" is not inferred

    Examples:
      | cps  | outcome                |
      | 5    | fires                  |
      | 9.9  | fires                  |
      | 10   | is decided not to fire |
      | 10.1 | is decided not to fire |

  Scenario: An unknown TMB is reported, not assumed low
    Given the profile field "hypoxia" is "high"
    And the profile field "tmb" is unknown
    When the profile is evaluated
    Then the rule "tmb-below-high" is not evaluated because "tmb" is unknown
    And the finding "low_immunogenicity" is undecided
