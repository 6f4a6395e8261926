Feature: What the rationale explains: why not, how close, what to measure, how firm, how mature
  The steps that read icitrace's explanations, each with the nearest case on the other side.

  Scenario: A high TMB rules out low immunogenicity by the TMB itself
    Given the profile field "tmb" is 20
    When the profile is evaluated
    Then the rule "tmb-below-high" is ruled out by "tmb"
    And the finding "low_immunogenicity" is ruled out

  Scenario: A vaccine is ruled out by the missing finding first, then by MHC class I
    Given a profile with:
      | field          | value  |
      | tmb            | 20     |
      | mhc_class_i    | intact |
      | tumor_antigens | intact |
    When the profile is evaluated
    Then the rule "low-tmb-to-vaccine" is ruled out by "low_immunogenicity"
    And the field "tmb" is not borderline
    Given the profile field "tmb" is 4
    And the profile field "mhc_class_i" is "lost"
    When the profile is evaluated
    Then the rule "low-tmb-to-vaccine" is ruled out by "mhc_class_i"

  Scenario Outline: A TMB near the TMB-high line is borderline, one far from it is not
    Given the profile field "tmb" is <tmb>
    When the profile is evaluated
    Then the field "tmb" <is> borderline

    Examples:
      | tmb | is     |
      | 9.5 | is     |
      | 11  | is     |
      | 4   | is not |
      | 30  | is not |

  Scenario: Where hypoxia alone is missing, it is the deciding unknown
    Given the profile "hot-unsuppressed"
    And the profile field "pd_l1_ic_sp142" is "IC1"
    And the profile field "hypoxia" is unknown
    When the profile is evaluated
    Then the deciding unknown is "hypoxia"
    And the strategy "hypoxia_targeting" is undecided

  Scenario: Hypoxia-targeting agents, as the review places them and as firmly as their chain allows
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the strategy "hypoxia_targeting" is at the stage "may-help"
    And the strategy "hypoxia_targeting" rests at best on review-stated evidence

  Scenario: A TMB-guided strategy rests on a cut-off from outside the review
    Given the profile field "tmb" is 20
    When the profile is evaluated
    Then the strategy "biomarker_guided_personalization" rests at best on external-cutoff evidence

  Scenario: A CPS below the TPS is refused, and the refusal says why
    Given a profile with:
      | field     | value |
      | pd_l1_tps | 20    |
      | pd_l1_cps | 10    |
    When the profile is evaluated
    Then the profile is refused with "pd_l1_cps"
