Feature: Alternative checkpoints and the pre-existing suppressive profile (review [3], [4] and [9])
  Scenarios for the rules of rules/checkpoints-and-cytokines.yaml.

  Scenario: LAG-3 alone does not reach an anti-TIM-3 combination
    Given a profile with:
      | field | value    |
      | lag3  | elevated |
      | tim3  | normal   |
    When the profile is evaluated
    Then the finding "alternative_checkpoint_upregulation" is inferred by rule "lag3-elevated"
    And the rule "tim3-to-anti-tim3" does not fire
    And the strategy "multi_pathway_combination" is suggested by rule "alt-checkpoints-to-multi-pathway"

  Scenario Outline: Raised IL-10 or TGF-beta marks a suppressive baseline
    Given the profile field "<cytokine>" is "<level>"
    When the profile is evaluated
    Then the rule "<rule>" <outcome>

    Examples:
      | cytokine | level    | rule              | outcome       |
      | il10     | elevated | il10-elevated     | fires         |
      | il10     | normal   | il10-elevated     | does not fire |
      | tgf_beta | elevated | tgf-beta-elevated | fires         |
      | tgf_beta | low      | tgf-beta-elevated | does not fire |

  Scenario Outline: High PD-L1 is a biomarker; beside a raised cytokine, also the review's suppressive profile
    Given the profile field "pd_l1_tps" is <tps>
    And the profile field "il10" is "<il10>"
    And the profile field "tgf_beta" is "normal"
    When the profile is evaluated
    Then the rule "pd-l1-high-as-checkpoint-ligand" <ligand>
    And the rule "pd-l1-tps-high" <high>

    Examples:
      | tps  | il10     | ligand                 | high                   |
      | 49.9 | elevated | is decided not to fire | is decided not to fire |
      | 50   | elevated | fires                  | fires                  |
      | 80   | elevated | fires                  | fires                  |
      | 80   | normal   | is decided not to fire | fires                  |

  Scenario: The ICI history annotates what the review ties to primary or adaptive resistance
    Given a profile with:
      | field       | value               |
      | tgf_beta    | elevated            |
      | tim3        | elevated            |
      | ici_history | acquired_resistance |
    When the profile is evaluated
    Then the finding "immunosuppressive_cytokines" is inferred
    And the rationale mentions "At odds with the history"
    And the rationale mentions "Acquired names the clinical timing, adaptive the mechanism"

  Scenario Outline: Each raised checkpoint reaches its own inhibitor combination
    Given the profile field "<checkpoint>" is "<level>"
    When the profile is evaluated
    Then the rule "<finding_rule>" <outcome>
    And the rule "<strategy_rule>" <outcome>
    And the rule "alt-checkpoints-to-multi-pathway" <multi>

    Examples: the other two checkpoints unknown, so a normal one leaves the combination open
      | checkpoint | level    | finding_rule   | strategy_rule       | outcome                | multi        |
      | tim3       | elevated | tim3-elevated  | tim3-to-anti-tim3   | fires                  | fires        |
      | tim3       | normal   | tim3-elevated  | tim3-to-anti-tim3   | is decided not to fire | is undecided |
      | lag3       | elevated | lag3-elevated  | lag3-to-anti-lag3   | fires                  | fires        |
      | lag3       | low      | lag3-elevated  | lag3-to-anti-lag3   | is decided not to fire | is undecided |
      | vista      | elevated | vista-elevated | vista-to-anti-vista | fires                  | fires        |
      | vista      | normal   | vista-elevated | vista-to-anti-vista | is decided not to fire | is undecided |
