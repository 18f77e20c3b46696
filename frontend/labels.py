"""Plain-language names, short explanations and display of profile values."""

from __future__ import annotations

from typing import Any

# field: (name shown, one-line explanation without jargon)
FIELDS: dict[str, tuple[str, str]] = {
    "er_status": ("Estrogen receptor (ER)",
                  "Whether the cancer cells use the hormone estrogen to grow."),
    "pr_status": ("Progesterone receptor (PR)",
                  "Whether the cancer cells use the hormone progesterone to grow."),
    "her2_status": ("HER2",
                    "A protein that can drive growth; HER2-positive cancers have too much of it."),
    "her2_ihc_score": ("HER2 stain score (IHC)",
                       "How strongly a lab stain shows HER2, from 0 to 3+."),
    "her2_ish": ("HER2 gene test (ISH/FISH)",
                 "A test that counts copies of the HER2 gene; 'amplified' means extra copies."),
    "ki67_percent": ("Ki-67",
                     "The share of cancer cells that were dividing: a sign of how fast it grows."),
    "histology": ("Cancer type under the microscope", "What kind of cells the cancer started in."),
    "grade": ("Grade", "How different the cells look from normal ones: 1 (least) to 3 (most)."),
    "laterality": ("Side", "Which breast."),
    "margins": ("Margins", "Whether cancer reached the edge of the removed tissue."),
    "lymphovascular_invasion": ("Lymphovascular invasion",
                                "Whether cancer cells were seen in small blood or lymph vessels."),
    "tumor_size_mm": ("Tumor size", "The largest size of the invasive cancer."),
    "nodes_positive": ("Lymph nodes with cancer", "How many of the removed lymph nodes had cancer."),
    "nodes_examined": ("Lymph nodes examined", "How many lymph nodes were removed and checked."),
    "t_category": ("T (tumor)", "Size and reach of the main tumor, in the TNM staging system."),
    "n_category": ("N (nodes)", "Spread to nearby lymph nodes, in the TNM staging system."),
    "m_category": ("M (metastasis)",
                   "Whether cancer has spread to distant parts of the body (M1) or not (M0)."),
    "stage_group": ("Stage", "The overall stage, from 0 to IV, combining T, N and M."),
    "menopausal_status": ("Menopause", "Whether periods have stopped for good."),
    "brca1": ("BRCA1 gene", "An inherited gene change that raises cancer risk, if present."),
    "brca2": ("BRCA2 gene", "An inherited gene change that raises cancer risk, if present."),
    "pik3ca": ("PIK3CA gene", "A change in the tumor that some targeted drugs act on."),
    "esr1": ("ESR1 gene", "A change in the tumor that can make some hormone therapies work less well."),
    "pdl1": ("PD-L1", "A protein that tells whether some immunotherapies may help."),
    "oncotype_rs": ("Oncotype DX score",
                    "A 0–100 score from a tumor gene test that estimates the chance of return."),
}

GROUPS: list[tuple[str, list[str]]] = [
    ("What the cancer cells are like",
     ["histology", "grade", "er_status", "pr_status", "her2_status", "her2_ihc_score",
      "her2_ish", "ki67_percent"]),
    ("Size and spread",
     ["laterality", "tumor_size_mm", "nodes_positive", "nodes_examined", "margins",
      "lymphovascular_invasion", "t_category", "n_category", "m_category", "stage_group"]),
    ("Genes and other tests", ["brca1", "brca2", "pik3ca", "esr1", "pdl1", "oncotype_rs"]),
    ("About you", ["menopausal_status"]),
]

NUMERIC_FIELDS = {"ki67_percent", "grade", "tumor_size_mm", "nodes_positive",
                  "nodes_examined", "oncotype_rs"}
STATUS_FIELDS = {"er_status", "pr_status", "her2_status", "brca1", "brca2", "pik3ca",
                 "esr1", "pdl1"}
CHOICES: dict[str, list[str]] = {
    **{f: ["positive", "negative", "equivocal"] for f in STATUS_FIELDS},
    "her2_ihc_score": ["0", "1+", "2+", "3+"],
    "her2_ish": ["amplified", "not amplified", "equivocal"],
    "grade": ["1", "2", "3"],
    "laterality": ["left", "right", "bilateral"],
    "menopausal_status": ["premenopausal", "perimenopausal", "postmenopausal"],
    "m_category": ["M0", "M1"],
    "stage_group": ["0", "IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IV"],
}

SUBTYPES = {
    "HR+/HER2-": "Hormone-receptor positive, HER2-negative: the cancer grows with hormones "
                 "(estrogen or progesterone) and does not have extra HER2. This is the most "
                 "common kind; hormone therapy is usually part of treatment.",
    "HR+/HER2+": "Hormone-receptor positive and HER2-positive: the cancer uses hormones to "
                 "grow and also has extra HER2, so treatments aimed at either can apply.",
    "HR-/HER2+": "HER2-positive without hormone receptors: the cancer has extra HER2 and "
                 "does not use hormones to grow; HER2-targeted drugs are usually part of care.",
    "HER2+": "HER2-positive: the cancer has extra HER2. Its hormone-receptor status is not "
             "clear from the records.",
    "triple-negative": "Triple-negative: no estrogen or progesterone receptors and no extra "
                       "HER2. Hormone therapy and HER2 drugs do not apply; other treatments do.",
}


def field_name(field: str) -> str:
    return FIELDS.get(field, (field.replace("_", " ").capitalize(), ""))[0]


def field_help(field: str) -> str:
    return FIELDS.get(field, ("", ""))[1]


def show_value(field: str, value: Any) -> str:
    """A value as a person reads it."""
    if value is None or value == "":
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if "name" in value and "value" in value:
            return f"{value['name']} {value['value']} {value.get('unit') or ''}".strip()
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(show_value(field, v) for v in value)
    if field == "ki67_percent":
        return f"{value}%"
    if field == "tumor_size_mm":
        return f"{value} mm ({float(value) / 10:g} cm)"
    if field == "grade":
        return f"grade {value}"
    if field == "stage_group":
        return f"stage {value}"
    return str(value)


def parse_value(field: str, raw: str) -> Any:
    """A clinician's typed correction, as the profile stores values."""
    raw = (raw or "").strip()
    if field in NUMERIC_FIELDS:
        try:
            number = float(raw.rstrip("%").strip())
        except ValueError:
            return raw
        return int(number) if number.is_integer() else number
    if field in STATUS_FIELDS or field in ("her2_ish", "laterality", "menopausal_status"):
        return raw.lower()
    return raw


def describe_her2_low(value: bool | None) -> str:
    if value is None:
        return "Not known from the records: it needs a HER2-negative result with a stain score."
    if value:
        return ("Yes. HER2-low means HER2-negative, but the stain still showed a little HER2 "
                "(score 1+, or 2+ with a negative gene test). Some newer drugs are made for it.")
    return "No. The HER2 stain score was 0, or the cancer is HER2-positive."


def describe_stage(stage: str | None, source: str | None, values: dict[str, Any]) -> str:
    if not stage:
        return "Not known from the records yet."
    if source == "computed":
        parts = [values.get(k) for k in ("t_category", "n_category", "m_category") if values.get(k)]
        return (f"Stage {stage}, worked out by OncoLens from {' '.join(parts)} using the AJCC "
                "(8th edition) anatomic staging table. Your care team's stage may also use the "
                "tumor's biology and can differ.")
    return f"Stage {stage}, as written in your records."
