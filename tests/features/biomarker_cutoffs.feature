Feature: Biomarker cut-offs behave at their edges (review [8], outside cut-offs)

  Scenario Outline: TMB either side of the TMB-high cut-off
    Given the profile field "tmb" is <tmb>
    When the profile is evaluated
    Then the finding "low_immunogenicity" is <low> inferred
    And the finding "high_tmb" is <high> inferred

    Examples:
      | tmb  | low | high |
      | 0    |     | not  |
      | 9.9  |     | not  |
      | 10   | not |      |
      | 10.1 | not |      |

  Scenario Outline: PD-L1 TPS around the negative and high cut-offs
    Given the profile field "pd_l1_tps" is <tps>
    When the profile is evaluated
    Then the finding "low_pdl1_expression" is <low> inferred
    And the finding "high_pdl1_expression" is <high> inferred

    Examples:
      | tps  | low | high |
      | 0.9  |     | not  |
      | 1    | not | not  |
      | 49.9 | not | not  |
      | 50   | not |      |

  Scenario Outline: PD-L1 CPS around 10
    Given the profile field "pd_l1_cps" is <cps>
    When the profile is evaluated
    Then the rule "pd-l1-cps-low" <fires>

    Examples:
      | cps  | fires         |
      | 9.9  | fires         |
      | 10   | does not fire |

  Scenario: An unknown TMB is reported, not assumed low
    Given the profile field "hypoxia" is "high"
    And the profile field "tmb" is unknown
    When the profile is evaluated
    Then the rule "tmb-below-high" is not evaluated because "tmb" is unknown
    And the finding "low_immunogenicity" is not inferred

  Scenario: A table profile with nothing suppressive infers nothing
    Given a profile with:
      | field               | value    |
      | hypoxia             | low      |
      | acidity             | normal   |
      | tregs               | absent   |
      | t_cell_infiltration | inflamed |
    When the profile is evaluated
    Then no finding is inferred
