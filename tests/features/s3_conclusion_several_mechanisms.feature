Feature: Several mechanisms at once (review [3] and its conclusion)
  Combination rules join the mechanism findings the engine derived.

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
