Feature: The tumour microenvironment (review [2] and [7])
  Scenarios for the rules of rules/microenvironment.yaml: hypoxia, acidity, suppressive cells, and
  T cells excluded from the tumour or absent from it.

  Scenario Outline: Only high hypoxia marks a hypoxic microenvironment
    Given the profile field "hypoxia" is "<level>"
    When the profile is evaluated
    Then the rule "hypoxia-high" <outcome>
    And the rule "hypoxia-to-hypoxia-targeting" <outcome>

    Examples:
      | level    | outcome       |
      | high     | fires         |
      | moderate | does not fire |
      | low      | does not fire |

  Scenario: Unknown hypoxia leaves the hypoxia rules undecided
    Given the profile field "acidity" is "acidic"
    When the profile is evaluated
    Then the rule "hypoxia-high" is not evaluated because "hypoxia" is unknown
    And the rule "hypoxia-to-hypoxia-targeting" is not evaluated because "hypoxia" is unknown
    And the strategy "hypoxia_targeting" is undecided

  Scenario Outline: An acidic microenvironment
    Given the profile field "acidity" is "<acidity>"
    When the profile is evaluated
    Then the rule "acidity-acidic" <outcome>

    Examples:
      | acidity | outcome       |
      | acidic  | fires         |
      | normal  | does not fire |

  Scenario Outline: Only abundant regulatory T cells count as a suppressive mechanism
    Given the profile field "tregs" is "<tregs>"
    When the profile is evaluated
    Then the rule "tregs-abundant" <outcome>
    And the rule "tregs-to-treg-depletion" <outcome>

    Examples:
      | tregs    | outcome       |
      | abundant | fires         |
      | present  | does not fire |
      | absent   | does not fire |

  Scenario Outline: Only abundant MDSCs count as a suppressive mechanism
    Given the profile field "mdscs" is "<mdscs>"
    When the profile is evaluated
    Then the rule "mdscs-abundant" <outcome>
    And the rule "mdscs-to-mdsc-targeting" <outcome>

    Examples:
      | mdscs    | outcome       |
      | abundant | fires         |
      | present  | does not fire |
      | absent   | does not fire |

  Scenario: Tregs merely present give no suppressive-cell finding, and the rationale says why
    Given the profile field "tregs" is "present"
    And the profile field "mdscs" is "absent"
    When the profile is evaluated
    Then the finding "suppressive_immune_cells" is not inferred
    And the strategy "treg_depletion" is not suggested

  Scenario: Abundant MDSCs alone give suppressive cells but not Treg depletion
    Given a profile with:
      | field | value    |
      | mdscs | abundant |
      | tregs | present  |
    When the profile is evaluated
    Then the finding "suppressive_immune_cells" is inferred by rule "mdscs-abundant"
    And the rule "tregs-to-treg-depletion" does not fire
    And the strategy "mdsc_targeting" is suggested by rule "mdscs-to-mdsc-targeting"

  Scenario Outline: An excluded tumour holds T cells at its margin
    Given the profile field "t_cell_infiltration" is "<phenotype>"
    When the profile is evaluated
    Then the rule "t-cells-excluded" <outcome>
    And the rule "exclusion-to-chemotherapy" <outcome>
    And the rule "exclusion-to-oncolytic-virus" <outcome>

    Examples:
      | phenotype | outcome       |
      | excluded  | fires         |
      | desert    | does not fire |
      | inflamed  | does not fire |

  Scenario Outline: A desert tumour has few or no T cells, a different barrier from exclusion
    Given the profile field "t_cell_infiltration" is "<phenotype>"
    And the profile field "mhc_class_i" is "intact"
    And the profile field "tumor_antigens" is "intact"
    When the profile is evaluated
    Then the rule "t-cells-desert" <outcome>
    And the rule "desert-to-chemotherapy" <outcome>
    And the rule "desert-to-vaccine" <outcome>
    And the rule "desert-to-oncolytic-virus" <outcome>
    And the rule "desert-to-tlr-agonist" <outcome>
    And the rule "desert-to-sting-agonist" <outcome>

    Examples:
      | phenotype | outcome       |
      | desert    | fires         |
      | excluded  | does not fire |
      | inflamed  | does not fire |

  Scenario: Exclusion is not a desert: no priming adjuvants for T cells that are already there
    Given the profile field "t_cell_infiltration" is "excluded"
    When the profile is evaluated
    Then the finding "t_cell_exclusion" is inferred
    And the finding "immune_desert" is not inferred
    And the strategy "tlr_agonist_adjuvant" is not suggested
    And the strategy "sting_agonist_adjuvant" is not suggested
    And the strategy "cancer_vaccine_combination" is undecided
