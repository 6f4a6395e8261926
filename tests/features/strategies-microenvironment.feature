Feature: Strategies that act on the microenvironment (review [7])
  Scenarios for the rules of rules/strategies-microenvironment.yaml.

  Scenario: Abundant Tregs alone do not lead to MDSC targeting
    Given a profile with:
      | field | value    |
      | tregs | abundant |
      | mdscs | absent   |
    When the profile is evaluated
    Then the rule "mdscs-to-mdsc-targeting" does not fire
    And the strategy "treg_depletion" is suggested by rule "tregs-to-treg-depletion"

  Scenario Outline: TGF-beta inhibition needs TGF-beta itself raised
    Given a profile with:
      | field    | value      |
      | il10     | <il10>     |
      | tgf_beta | <tgf_beta> |
    When the profile is evaluated
    Then the finding "immunosuppressive_cytokines" is <cytokines> inferred
    And the rule "tgf-beta-to-tgf-beta-inhibition" <outcome>

    Examples:
      | il10     | tgf_beta | cytokines | outcome       |
      | normal   | elevated |           | fires         |
      | elevated | elevated |           | fires         |
      | elevated | normal   |           | does not fire |
      | normal   | low      | not       | does not fire |

  Scenario Outline: Each rule of this file fires on one teaching profile and is decided not to fire on another
    Given the profile "<fires on>"
    When the profile is evaluated
    Then the rule "<rule>" fires
    Given the profile "<decided not on>"
    When the profile is evaluated
    Then the rule "<rule>" is decided not to fire

    Examples: the shipped profiles that show each rule either way
      | rule                            | fires on          | decided not on           |
      | hypoxia-to-hypoxia-targeting    | hypoxic-tumour    | hot-unsuppressed         |
      | tregs-to-treg-depletion         | many-mechanisms   | acquired-resistance-tim3 |
      | mdscs-to-mdsc-targeting         | suppressive-cells | acquired-resistance-tim3 |
      | tgf-beta-to-tgf-beta-inhibition | many-mechanisms   | cold-desert              |
