Feature: What the tumour shows the immune system, and its genes (review [2] and [5])
  Scenarios for the rules of rules/antigens-and-tumour-genes.yaml: MHC class I, tumour antigens,
  oncogenic alterations and epigenetic silencing, each rule firing and decided not to fire.

  Scenario Outline: Reduced or lost MHC class I
    Given a profile with:
      | field          | value  |
      | mhc_class_i    | <mhc>  |
      | tumor_antigens | intact |
    When the profile is evaluated
    Then the rule "mhc-class-i-down" <down>
    And the rule "mhc-loss-to-adoptive-cell-transfer" <down>
    And the rule "antigen-loss-to-chemotherapy" <restorable>
    And the rule "antigen-loss-to-targeted-therapy" <restorable>

    Examples:
      | mhc     | down          | restorable    |
      | lost    | fires         | does not fire |
      | reduced | fires         | fires         |
      | intact  | does not fire | does not fire |

  Scenario Outline: Reduced or lost tumour antigens
    Given a profile with:
      | field          | value      |
      | tumor_antigens | <antigens> |
      | mhc_class_i    | intact     |
    When the profile is evaluated
    Then the rule "tumor-antigens-down" <outcome>
    And the rule "antigen-loss-to-chemotherapy" <partners>
    And the rule "antigen-loss-to-targeted-therapy" <partners>

    Examples: antigens lost outright leave nothing for a partner to help present
      | antigens | outcome       | partners      |
      | lost     | fires         | does not fire |
      | reduced  | fires         | fires         |
      | intact   | does not fire | does not fire |

  Scenario: MHC and antigens both lost leave a CAR nothing to bind
    Given a profile with:
      | field          | value |
      | mhc_class_i    | lost  |
      | tumor_antigens | lost  |
    When the profile is evaluated
    Then the finding "antigen_presentation_loss" is inferred
    And the strategy "adoptive_cell_transfer" is not suggested
    And the strategy "ici_plus_chemotherapy" is undecided

  Scenario Outline: Oncogenic alterations: only those with a described immune-evasion link count
    Given the profile field "oncogenic_alterations" is <alterations>
    When the profile is evaluated
    Then the rule "oncogenic-alterations-found" <outcome>
    And the rule "oncogenic-to-targeted-therapy" <outcome>

    Examples:
      | alterations                              | outcome       |
      | "WNT/beta-catenin activation"            | fires         |
      | "WNT/beta-catenin activation, PTEN loss" | fires         |
      | "KRAS mutation, STK11 loss"              | fires         |
      | "KRAS mutation"                          | does not fire |
      | "JAK1/2 loss"                            | does not fire |
      | ""                                       | does not fire |

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
