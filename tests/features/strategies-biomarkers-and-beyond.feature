Feature: Biomarker-guided selection, cell therapy and adjuvants (review [8] and [10])
  Scenarios for the rules of rules/strategies-biomarkers-and-beyond.yaml.

  Scenario: Antigen loss with MHC intact does not lead to MHC-independent cells
    Given a profile with:
      | field          | value   |
      | tumor_antigens | reduced |
      | mhc_class_i    | intact  |
    When the profile is evaluated
    Then the finding "antigen_presentation_loss" is inferred
    And the rule "mhc-loss-to-adoptive-cell-transfer" does not fire

  Scenario Outline: Each rule of this file fires on one teaching profile and is decided not to fire on another
    Given the profile "<fires on>"
    When the profile is evaluated
    Then the rule "<rule>" fires
    Given the profile "<decided not on>"
    When the profile is evaluated
    Then the rule "<rule>" is decided not to fire

    Examples: the shipped profiles that show each rule either way
      | rule                                     | fires on                    | decided not on              |
      | low-tmb-to-biomarker-guided              | cold-desert                 | acquired-resistance-tim3    |
      | high-tmb-to-biomarker-guided             | acquired-resistance-tim3    | cold-desert                 |
      | low-pdl1-to-biomarker-guided             | cold-desert                 | acquired-resistance-tim3    |
      | high-pdl1-to-biomarker-guided            | acquired-resistance-tim3    | cold-desert                 |
      | ic-negative-to-biomarker-guided          | oncogenic-and-epigenetic    | tgf-beta-primary-resistance |
      | ic-imvigor210-to-biomarker-guided        | tgf-beta-primary-resistance | oncogenic-and-epigenetic    |
      | mhc-loss-to-adoptive-cell-transfer       | many-mechanisms             | cold-desert                 |
      | desert-to-adoptive-cell-transfer         | cold-desert                 | acquired-resistance-tim3    |
      | desert-to-tlr-agonist                    | cold-desert                 | acquired-resistance-tim3    |
      | desert-to-sting-agonist                  | cold-desert                 | acquired-resistance-tim3    |
      | many-mechanisms-to-single-cell-profiling | hypoxic-tumour              | hot-unsuppressed            |
