Feature: The step library itself
  How the sentences build a profile, independent of any rule file.

  Scenario: A later field step can make a known field unknown again
    Given the profile "sparse-unknowns"
    And the profile field "tmb" is unknown
    When the profile is evaluated
    Then no finding is inferred
