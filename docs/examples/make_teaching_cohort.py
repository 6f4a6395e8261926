"""Writes teaching-cohort.csv: a MADE-UP cohort for the worked example of docs/outcomes.md.

Nothing in it comes from patients. Profiles are drawn at random; outcomes are drawn so that a high TMB
and an inflamed tumour go with more responses and longer survival (an effect planted here, so that the
report has something to show). Run it again and the same bytes come out:

    python docs/examples/make_teaching_cohort.py > docs/examples/teaching-cohort.csv
"""

import csv
import math
import random
import sys

rng = random.Random(24)
writer = csv.writer(sys.stdout, lineterminator="\n")
writer.writerow(["SAMPLE_ID", "CANCER_TYPE", "TMB", "INFILTRATE", "PD_L1_TPS", "BEST_RESPONSE", "OS_MONTHS",
                 "OS_STATUS"])
for number in range(1, 241):
    cancer = rng.choice(["Melanoma", "Melanoma", "Non-Small Cell Lung Cancer", "Bladder Cancer"])
    tmb = round(math.exp(rng.gauss(1.9 if cancer == "Melanoma" else 1.5, 0.8)), 1)
    infiltrate = rng.choice(["Inflamed", "Inflamed", "Excluded", "Desert", "NA"])
    tps = rng.choice(["NA", str(rng.choice([0, 0.5, 5, 20, 60, 80]))])
    favourable = (tmb >= 10) + (infiltrate == "Inflamed")
    response = "NA" if rng.random() < 0.08 else (
        rng.choice(["CR", "PR"]) if rng.random() < 0.12 + 0.2 * favourable else rng.choice(["SD", "PD", "PD"]))
    death = rng.expovariate(1 / (10 * (1.8 ** favourable)))  # months; the planted effect
    follow_up = rng.uniform(6, 48)
    months, status = (death, "1:DECEASED") if death <= follow_up else (follow_up, "0:LIVING")
    writer.writerow([f"T-{number:04d}", cancer, tmb, infiltrate, tps, response,
                     "NA" if rng.random() < 0.04 else f"{months:.1f}", status])
