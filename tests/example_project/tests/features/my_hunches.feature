Feature: A student's hunches about the rule base

  Scenario: My hypoxic case reaches hypoxia-targeting agents
    Given the profile "my-case.json"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred by rule "hypoxia-high"
    And the strategy "hypoxia_targeting" is suggested
    And the strategy "treg_depletion" is suggested by rule "tregs-to-treg-depletion"

  Scenario: A shipped profile, named without its folder
    Given the profile "cold-desert"
    When the profile is evaluated
    Then the finding "immune_desert" is inferred
    And the finding "t_cell_exclusion" is not inferred
    And the rationale mentions "t_cell_infiltration is desert"

  Scenario Outline: Where does low TMB stop?
    Given the profile field "tmb" is <tmb>
    When the profile is evaluated
    Then the finding "low_immunogenicity" is <low> inferred

    Examples:
      | tmb  | low |
      | 9.9  |     |
      | 10   | not |
