Feature: Antigen presentation and tumour genes (review [2], [5], [6] and [10])

  Scenario Outline: Reduced or lost MHC class I
    Given the profile field "mhc_class_i" is "<mhc>"
    When the profile is evaluated
    Then the rule "mhc-class-i-down" <outcome>
    And the rule "antigen-loss-to-chemotherapy" <outcome>
    And the rule "mhc-loss-to-adoptive-cell-transfer" <outcome>

    Examples:
      | mhc     | outcome       |
      | lost    | fires         |
      | reduced | fires         |
      | intact  | does not fire |

  Scenario Outline: Reduced or lost tumour antigens
    Given the profile field "tumor_antigens" is "<antigens>"
    When the profile is evaluated
    Then the rule "tumor-antigens-down" <outcome>
    And the rule "antigen-loss-to-chemotherapy" <outcome>

    Examples:
      | antigens | outcome       |
      | lost     | fires         |
      | reduced  | fires         |
      | intact   | does not fire |

  Scenario: Antigen loss with MHC intact does not lead to MHC-independent cells
    Given a profile with:
      | field          | value   |
      | tumor_antigens | reduced |
      | mhc_class_i    | intact  |
    When the profile is evaluated
    Then the finding "antigen_presentation_loss" is inferred
    And the rule "mhc-loss-to-adoptive-cell-transfer" does not fire

  Scenario Outline: Oncogenic alterations: a list, empty, or unknown
    Given the profile field "oncogenic_alterations" is <alterations>
    When the profile is evaluated
    Then the rule "oncogenic-alterations-found" <outcome>
    And the rule "oncogenic-to-targeted-therapy" <outcome>

    Examples:
      | alterations                               | outcome       |
      | "WNT/beta-catenin activation"             | fires         |
      | "WNT/beta-catenin activation, PTEN loss"  | fires         |
      | ""                                        | does not fire |

  Scenario: An absent list of alterations is unknown, not empty
    Given the profile field "tmb" is 5
    When the profile is evaluated
    Then the rule "oncogenic-alterations-found" is not evaluated because "oncogenic_alterations" is unknown

  Scenario Outline: Epigenetic silencing of immune genes
    Given the profile field "epigenetic_silencing" is <silenced>
    When the profile is evaluated
    Then the rule "epigenetic-silencing" <outcome>
    And the rule "epigenetic-to-targeted-therapy" <outcome>

    Examples:
      | silenced | outcome       |
      | true     | fires         |
      | false    | does not fire |
