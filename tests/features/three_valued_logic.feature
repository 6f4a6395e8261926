Feature: The three-valued logic, through real rules
  A field left unknown is neither true nor false. AND and OR then follow the truth tables that
  clinical query languages use: false AND unknown is false, true OR unknown is true, and otherwise a
  result that needs the unknown stays unknown (undecided). Every row goes through the real engine.

  Scenario Outline: AND: low-tmb-to-vaccine needs low immunogenicity (TMB under 10) and MHC class I not lost
    Given a profile with:
      | field          | value  |
      | tmb            | <tmb>  |
      | mhc_class_i    | <mhc>  |
      | tumor_antigens | intact |
    When the profile is evaluated
    Then the rule "low-tmb-to-vaccine" <outcome>

    Examples:
      | tmb     | mhc     | and                 | outcome                |
      | 4       | intact  | true AND true       | fires                  |
      | 4       | lost    | true AND false      | is decided not to fire |
      | 20      | intact  | false AND true      | is decided not to fire |
      | 20      | lost    | false AND false     | is decided not to fire |
      | 20      | unknown | false AND unknown   | is decided not to fire |
      | unknown | lost    | unknown AND false   | is decided not to fire |
      | 4       | unknown | true AND unknown    | is undecided           |
      | unknown | intact  | unknown AND true    | is undecided           |
      | unknown | unknown | unknown AND unknown | is undecided           |

  Scenario Outline: OR: reduced antigen presentation comes from MHC class I or from the antigens (two rules, one finding)
    Given a profile with:
      | field          | value      |
      | mhc_class_i    | <mhc>      |
      | tumor_antigens | <antigens> |
    When the profile is evaluated
    Then the finding "antigen_presentation_loss" <outcome>

    Examples:
      | mhc     | antigens | or                 | outcome      |
      | reduced | lost     | true OR true       | is inferred  |
      | lost    | intact   | true OR false      | is inferred  |
      | intact  | reduced  | false OR true      | is inferred  |
      | intact  | intact   | false OR false     | is ruled out |
      | reduced | unknown  | true OR unknown    | is inferred  |
      | unknown | lost     | unknown OR true    | is inferred  |
      | intact  | unknown  | false OR unknown   | is undecided |
      | unknown | intact   | unknown OR false   | is undecided |
      | unknown | unknown  | unknown OR unknown | is undecided |
