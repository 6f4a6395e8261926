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

  Scenario Outline: PD-L1 on immune cells by SP142, as a number or as the level the assay reports
    Given the profile field "pd_l1_ic_sp142" is <ic>
    When the profile is evaluated
    Then the rule "pd-l1-ic-sp142-negative" <negative>
    And the rule "ic-negative-to-biomarker-guided" <negative>
    And the rule "pd-l1-ic-sp142-imvigor210" <line>
    And the rule "ic-imvigor210-to-biomarker-guided" <line>
    And the finding "low_pdl1_expression" is not inferred
    And the finding "high_pdl1_expression" is not inferred

    Examples: IC0 is under 1%, IC1 from 1% to under 5%, IC2+ (IC2/3) 5% or more; a band across a line leaves it open
      | ic      | negative               | line                   |
      | 0       | fires                  | is decided not to fire |
      | 0.9     | fires                  | is decided not to fire |
      | 1       | is decided not to fire | is decided not to fire |
      | 4.9     | is decided not to fire | is decided not to fire |
      | 5       | is decided not to fire | fires                  |
      | "IC0"   | fires                  | is decided not to fire |
      | "IC1"   | is decided not to fire | is decided not to fire |
      | "IC2+"  | is decided not to fire | fires                  |
      | "IC2/3" | is decided not to fire | fires                  |
      | >=1     | is decided not to fire | is undecided           |
      | <5      | is undecided           | is decided not to fire |

  Scenario: An SP142 IC0 beside a high TPS: each score read by its own route, neither read as the other
    Given the profile field "pd_l1_tps" is 80
    And the profile field "pd_l1_ic_sp142" is "IC0"
    When the profile is evaluated
    Then the finding "pdl1_negative_on_immune_cells" is inferred by rule "pd-l1-ic-sp142-negative"
    And the finding "high_pdl1_expression" is inferred by rule "pd-l1-tps-high"
    And the finding "low_pdl1_expression" is ruled out
    And the finding "pdl1_immune_cells_imvigor210" is ruled out
