"""Invasive tumour size, lymph-node counts, nodal micrometastases / ITC / extranodal
extension, distant metastatic sites and the oligometastatic flag.

Size findings carry a `rank`: 3 for a synoptic invasive-size line, 2 for a size given
with the carcinoma in the diagnosis, 1 for a gross "mass" measurement. The summary
uses the best rank, so the gross size of a specimen never beats the invasive size.
"""

from __future__ import annotations

import re

from nlp.finding import Finding

FIELDS = (
    "tumor_size_mm",
    "nodes_positive",
    "nodes_examined",
    "nodal_status",
    "micrometastasis",
    "isolated_tumor_cells",
    "extranodal_extension",
    "metastatic_site",
    "oligometastatic",
)

_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
# "2.5 x 1.8 x 1.2 cm", "2.4x 2.2x 2.2 cm.", "2.5. cm", "1.5 cm x 1.0 cm", "26mm".
_SIZE_RE = re.compile(
    r"(?=\d)(?<![\d.,/])(?P<dims>" + _NUM + r"(?:\s?(?:cm|mm))?(?:\.?\s?(?:x|and|by)\.?\s?" + _NUM
    + r"(?:\s?(?:cm|mm))?){0,2})\s?\.?\s?(?P<unit>cm|mm)(?![a-z])"
)
_DIM_NUM_RE = re.compile(_NUM)
_RANK3_RE = re.compile(
    r"size of invasi\w*(?: component| carcinoma| tumou?r)?|invasive (?:component|tumou?r) size"
    r"|dimension (?:of )?invasive component|greatest dimension \(pt\d?\)"
    r"|greatest dimension of (?:the )?invasive|invasive (?:carcinoma|tumou?r) (?:size|measures|measuring)"
    r"|largest (?:contiguous )?(?:focus|span) of invasive|tumou?r size \(invasive"
)
_RANK2_RE = re.compile(r"carcinoma|carcinuna|neoplasm|tumou?r|tumour")
_RANK1_RE = re.compile(r"\bmass\b|\blesion\b|\bnodule\b")
# Between the keyword and the number: anything that makes the size someone else's.
_SIZE_BLOCK_RE = re.compile(
    r"margin|\bfrom\b|node|nodal|metasta|situ|dcis|intraductal|\bskin|ellipse|nipple|areola"
    r"|specimen|fragment|cavity|approach|distance|within|away|\bdeep\b|separat|\bclip|\bcore"
    r"|aggregate|portion|weigh|\bsum\b|more than|less than|greater than|not more|[<>]"
    r"|\bup to\b|ranging|breast measur|tissue measur|\bbed\b|previous|prior"
    # "received is a 6 x 2.5 cm portion", "fibroadipose tissue 5.4 x 4 cm", "size of biopsy:",
    # "in the axillary soft tissue, the largest measuring", "over an area of 6 cm".
    r"|received|biops|axilla|\barea\b|adipose|fatty|fibrofat|satellite|breast tissue"
)
_SIZE_AFTER_BLOCK_RE = re.compile(
    r"\s?\.?\s?(?:\)\s?)?(?:from|of the|to the|to within|away|deep to|proximal|distal|in length"
    r"|long\b|but|or less|\(sum"
    # Where something is, not how big it is: "5 cm lateral to the biopsy cavity", "1.5 cm
    # beneath the skin", "at 1, 2 and 5 cm increments".
    r"|(?:lateral|medial|superior|inferior|anterior|posterior|superficial|proximal|distal)\sto\b"
    r"|beneath|below|above|under\b|increments?"
    # The size of the specimen, not of the tumour: "a 6 x 2.5 x 1 cm portion of tissue",
    # "20 x 16 x 3.5 cm modified radical mastectomy", "2.2 cm of carcinoma in situ".
    r"|(?:(?!in\s|the\s|of\s)[a-z-]+\s)?(?:portion|piece|fragment|strip|segment|ellipse|specimen"
    r"|mastectomy|lumpectomy|excision|aggregate)\b"
    r"|of\s(?:(?:high|intermediate|low|nuclear|grade|[a-z]+-grade)\s){0,3}(?:ductal\s|duct\s|lobular\s)?"
    r"(?:carcinoma\sin[- ]situ|dcis|lcis))"
)
# "a 6.5 x 4.0 x 2.5 cm tumor", "1.9 cm of invasive carcinoma": the keyword after the size.
_SIZE_THEN_KW_RE = re.compile(
    r"(?:\s(?:(?:in\s)?(?:greatest\s|maximum\s|largest\s)?(?:dimension|diameter)\s)?"
    r"(?:(?P<r3>of\sinvasive\s(?:ductal\s|lobular\s)?(?:carcinoma|tumou?r|cancer))"
    r"|(?:[a-z-]+,?\s){0,2}?(?:(?P<r2>tumou?r|carcinoma|neoplasm)|(?P<r1>mass|lesion|nodule))\b)"
    # "2.8 cm. gray-white, ill-defined mass" (OCR period), but not "1.5 cm. Tumor; 1.3 cm"
    r"|\.\s(?:[a-z-]+,?\s){1,3}?(?:(?P<r2b>tumou?r|carcinoma|neoplasm)|(?P<r1b>mass|lesion|nodule))\b)"
)
# "free of tumor by at least 1 cm", "negative for carcinoma": not the tumour's size.
_KW_NEGATED_RE = re.compile(
    r"(?:free\sof|negative\sfor|\bno|without)[.:]?\s(?:residual\s|invasive\s)?$")
# "negative for invasive carcinoma by 1.2 cm": a distance.
_BY_RE = re.compile(r"\W{0,3}by\b")
# Where a size sits: the gross description (specimen as received, cut sections) or the
# diagnosis. The last heading or gross phrase before the size decides.
_GROSS_OR_DX_RE = re.compile(
    r"(?P<gross>gross\s(?:description|examination|exam)|macroscopic|received\s(?:fresh|in\sformalin"
    r"|labell?ed)|sectioning\sreveals|cut\ssection|serially\ssectioned|on\ssectioning|cut\ssurface)"
    r"|(?P<dx>diagnos[ie]s|impression|microscopic|conclusion|synoptic|summary|comment)"
)
_SITU_AFTER_RE = re.compile(r"\s?(?:in[- ]situ|bed)")
# "infiltrating and intraductal carcinoma": the carcinoma is (also) invasive.
_INVASIVE_AND_RE = re.compile(r"(?:invasive|infiltrating|intiltrating)\s(?:[a-z]+\s)?and\s\S+\s$")
_SITU_BEFORE_RE = re.compile(r"(?:in[- ]?situ|dcis|intraductal)\W{0,3}$")

_WORDS = {
    "no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
}
_COUNT = (
    r"(?:\d{1,2}|zero|(?:twenty|thirty|forty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
# Node counts are read around each mention of a node (cheap to find), not by scanning
# the whole report with every pattern.
# The lookaheads let the engine skip positions that cannot start a match (2x faster).
_NODE_WORD_RE = re.compile(r"(?=[ln])(?:lymph ?nodes?\b|\bnodes?\b|\blns?\b|lymphono\w*)")
# "2 of 14 lymph nodes", "ONE OUT OF TWO LYMPH NODES (1/2)", "Multiple (4 of 25) right
# axillary lymph nodes", "TWO OF TWENTY-SIX (2/26) LEFT AXILLARY LYMPH NODES".
_OF_BEFORE_RE = re.compile(
    r"(?<![\w/])(?P<pos>" + _COUNT + r")\s(?:\(\d{1,2}\)\s)?(?:out\so[fr]|of)\.?\s(?:the\s)?"
    r"(?P<exam>" + _COUNT + r")(?:\s\(\d{1,2}\))?\)?:?"
    r"(?:\s?\(\d{1,2}/\d{1,2}\))?\s(?:[a-z-]+[,.]?\s){0,4}$"
)
# "negative for metastatic carcinoma in 13 lymph nodes".
_NEG_IN_BEFORE_RE = re.compile(
    r"(?:negative\sfor|\bno|free\sof)\s(?:evidence\sof\s)?(?:metastatic\s)?(?:carcinoma|malignancy"
    r"|tumou?r|metastas[ie]s|neoplasm)\s(?:is\s|are\s)?(?:identified\s|seen\s|present\s)?in\s"
    r"(?:all\s)?(?:of\s)?(?:the\s)?(?P<exam>" + _COUNT + r")\s(?:[a-z-]+\s){0,3}$"
)
# "thirteen lymph nodes, negative", "two negative lymph nodes (0/2)" is a fraction.
_NEG_COUNT_BEFORE_RE = re.compile(
    r"(?<![\w/])\(?(?P<exam>" + _COUNT + r")\)?\s(?:\(\d{1,2}\)\s)?(?:[a-z-]+\s){0,3}$"
)
_NEG_AFTER_NODE_RE = re.compile(
    r"[,.:]?\s(?:are\s|is\s|all\s)*(?:negative|free\sof|benign|without"
    r"|no\s(?:evidence\sof\s)?(?:metastatic\s)?(?:cancer|tumou?r|carcinoma|malignancy|metastas[ie]s)"
    r"\s(?:is\s)?(?:seen|identified|present)|with\sno\s(?:evidence\sof\s)?(?:metasta|tumou?r|carcinoma"
    r"|malignan))"
)
# "ONE (1) LYMPH NODE POSITIVE FOR METASTATIC CARCINOMA", "ONE LYMPH NODE, POSITIVE FOR
# CARCINOMA", "two axillary lymph nodes with metastatic carcinoma".
_OF_END_RE = re.compile(r"\b(?:of|or)\.?\s$")
_POS_COUNT_BEFORE_RE = re.compile(
    r"(?<![\w/])(?P<pos>" + _COUNT + r")\s(?:\(\d{1,2}\)\s)?(?:[a-z-]+\s){0,3}$"
)
# "METASTATIC CARCINOMA IN LYMPH NODES, 3 OF 3", "intramammary lymph node, 1 of 1".
_OF_AFTER_RE = re.compile(
    r",?\s\(?(?P<pos>" + _COUNT + r")\s(?:out\s)?of\.?\s(?P<exam>" + _COUNT + r")\b(?!\s?(?:cm|mm))"
)
# "Lymph node (1), negative for tumor", "lymph nodes (3) are negative".
_PAREN_NEG_AFTER_RE = re.compile(
    r"\s?\((?P<exam>\d{1,2})\)[,.]?\s(?:is\s|are\s|all\s)*(?:negative|free\sof|benign)"
)
# "A single (of 5) left axillary lymph node is positive for metastatic carcinoma".
_ONE_OF_BEFORE_RE = re.compile(
    r"(?<![\w/])(?:a\s)?(?:single|one)\s\(of\s(?P<exam>\d{1,2})\)\s(?:[a-z-]+\s){0,3}$"
)
_POS_AFTER_NODE_RE = re.compile(
    r"[,.]?\s(?:(?:is|are|was)\s)?(?:positive|involved|with\smetasta|contain|shows?\smetasta)"
)
# "metastatic carcinoma in one lymph node", "carcinoma involving a single axillary node".
_IN_COUNT_BEFORE_RE = re.compile(
    r"(?:metasta\w*|carcinoma|tumou?r|malignancy)\s(?:(?:is|was)\s)?(?:(?:present|identified|seen)\s)?"
    r"(?:in|involving|to)\s(?:a\s)?(?P<pos>one|single|two|three|four|five|six|seven|eight|nine"
    r"|\d{1,2})\s(?:[a-z-]+\s){0,3}$"
)
# Node statements without a count. Negative: "Lymph nodes, right sentinel, excision:
# Negative for tumor.", "SENTINEL LYMPH NODE #2 -. NEGATIVE FOR METASTATIC TUMOR",
# "lymph nodes with no evidence of metastatic disease", "no lymph node metastasis".
# The gap stays in the statement: a "." only after ":" or "-" ("#2 -. NEGATIVE").
_QUAL_GAP = r"(?:[^.;0-9]|(?<=[-:])\.){0,70}?"
_TUMOUR_WORD = (
    r"(?:metastatic\s|residual\s|invasive\s)?(?:tumou?r|carcinoma|malignan\w*|metastas[ie]s"
    r"|metastatic\s(?:disease|carcinoma|tumou?r)|neoplas\w*|cancer|disease)"
)
_QUAL_NEG_AFTER_RE = re.compile(
    r"(?P<gap>" + _QUAL_GAP + r")\b(?:negative\s(?:for\s" + _TUMOUR_WORD + r"|\.|$|,)"
    r"|no\s(?:evidence\sof\s|definite\s)?" + _TUMOUR_WORD + r"|free\sof\s" + _TUMOUR_WORD + r"|benign\b)"
)
_QUAL_NEG_BEFORE_RE = re.compile(
    r"(?:negative\sfor|\bno|free\sof)\s(?:evidence\sof\s)?" + _TUMOUR_WORD
    + r"\s(?:is\s|are\s|was\s)?(?:identified\s|seen\s|present\s)?(?:in|within)\s(?:all\s|both\s|any\s)?"
    r"(?:of\s)?(?:the\s)?(?:[a-z-]+\s){0,3}$"
    r"|\bno\s$"
)
# Cheap tests that let the costly patterns be skipped.
_NEG_WORD_RE = re.compile(r"negative|\bno\s|free\sof|benign")
_IN_CUE_RE = re.compile(r"\s(?:in|involving|to)\s")
_QUAL_NODE_NEG_RE = re.compile(r"\s(?:metastas[ie]s|metastatic\s(?:disease|carcinoma))")
_QUAL_POS_RE = re.compile(r"metasta|carcinoma|positive|tumou?r\scells|malignan|involved")
_QUAL_SKIP_RE = re.compile(
    r"frozen|touch\sprep|intraoperative|imprint|pending|to\sfollow|not\s(?:identified|submitted"
    r"|received|present|sampled|examined)|\bnone\b|no\s(?:lymph\s)?nodes?\s(?:are\s|were\s)?"
    r"(?:identified|found|present|seen|submitted|received)"
)
_FRACTION_RE = re.compile(r"(?<![a-z\d/.,])(?P<pos>\d{1,2})\s?/\s?(?P<exam>\d{1,2})(?![\d/.,]\d)")
# "lymph nodes from the proximal 1/3 of the axillary tail": a part of something.
_FRACTION_OF_RE = re.compile(r"\s(?:of|OF)\b")
_ROMAN_FRACTION_RE = re.compile(r"\((?:No\.?\s)?(?P<pos>[IVXL]{1,6})/(?P<exam>[IVXL]{1,7})\)")
_NODE_CONTEXT_RE = re.compile(
    r"node|nodal|lymph|sentinel|axill|\bln|pn|metasta|intramammary|level\s(?:i{1,3}|[123])\b")
_FRACTION_BLOCK_RE = re.compile(
    r"score|grade|page|ratio|hpf|mitos|nottingham|allred|cells|copies|signals|%"
)
_TOTAL_RE = re.compile(
    r"(?P<label>number\s(?:of\s(?:sentinel\s)?(?:lymph\s)?nodes\s(?:with\s)?)?(?P<which>examined"
    r"|macrometastas[ie]s|micrometastas[ie]s|isolated\stumou?r\scells|involved|positive))"
    r"[^:0-9]{0,40}:\s?(?P<n>\d{1,2}|n/a|o)(?![\d/])"
)
_INSIDE_PAREN_RE = re.compile(r"\([^)]*$")
_LEVEL_GAP_RE = re.compile(r"level|intramammary|sentinel|axill|;")
_TOTAL_KIND_RE = re.compile(r"(?P<kind>sentinel|regional|total)\W{0,3}$")
_TOTAL_OF_RE = re.compile(r"\btotal\s?:\s?(?P<pos>\d{1,2})\sof\s(?P<exam>\d{1,2})\b")
_N_COUNT_RE = re.compile(r"\(\s?(?:total\s)?n\s?=\s?(?P<exam>\d{1,2})\s?[,;)]", re.IGNORECASE)
_PART_RE = re.compile(
    r"(?:(?<=[.:;] )|(?<=^))(?:PART\s?)?(?P<part>[A-H]|[1-9])[.):]{1,2}\s|#\s?(?P<num>\d{1,2})\b"
)

_MICRO_RE = re.compile(r"(?=[mn])(?:micro-?\s?metasta\w*|\bn1mi|\bn1\s?\(mi\))")
_ITC_RE = re.compile(r"(?=[in])(?:isolated\s(?:tumou?r\s)?cells|\bitcs?\b|n0\s?\(i\s?\+\))")
_ENE_RE = re.compile(
    r"(?=[ep])(?:extra-?\s?nodal|extra-?\s?capsular|perinodal|extranodular)\s(?:tumou?r\s)?"
    r"(?:extension|invasion|spread|involvement)"
)
_NEG_CUE_BEFORE_RE = re.compile(
    r"(?:\bno\b|\bnot\b|\bwithout\b|negative\sfor|free\sof|absence\sof|\bnor\b)[^.;]{0,30}$",
    re.IGNORECASE,
)
_NEG_CUE_AFTER_RE = re.compile(
    r"^[\s:,(-]{0,4}(?:\(\w*\)\s?)?(?:is\s|are\s|was\s)?(?:not\s(?:identified|present|seen|noted)"
    r"|absent|none|negative|no\b)",
    re.IGNORECASE,
)

# Distant sites. Axillary/internal-mammary/supraclavicular nodes are regional (N), so
# only nodes that are distant for a breast primary count.
_SITES = {
    "bone": r"bones?|osseous|skeletal|bony|spine|spinal|vertebra[el]?|pelvi[cs]|sacr(?:um|al)"
    r"|femur|ribs?",
    "liver": r"liver|hepatic",
    "lung": r"lungs?|pulmonary",
    "brain": r"brain|cerebral|cerebellar|intracranial|leptomeningeal|cns",
    "pleura": r"pleura|pleural",
    "distant_lymph_nodes": r"(?:mediastinal|retroperitoneal|contralateral\saxillary|cervical"
    r"|para-?aortic|abdominal|distant)\s(?:lymph\s)?nod(?:es?|al)",
    "peritoneum": r"peritoneum|peritoneal|omentum|omental",
    "adrenal": r"adrenal(?:\sglands?)?",
    "ovary": r"ovary|ovaries|ovarian",
    "skin": r"skin|cutaneous",
}
_SITE_ONE_RE = re.compile(r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _SITES.items()) + r")\b")
_SITE = r"(?:the\s)?(?:" + "|".join(_SITES.values()) + r")"
_SITE_SEQ = _SITE + r"(?:(?:,\s?|\s(?:and|&)\s|,\sand\s|\s?/\s?)" + _SITE + r")*"
_MET_WORD_RE = re.compile(
    r"(?=[ms])\b(?:metastas[ie]s|metastatic(?:\sdisease)?|metastasi[sz]ed|mets|spread)\b"
)
# "metastatic to bone and liver", "metastases to the liver, lungs and bone".
_MET_TO_RE = re.compile(r"\s(?:to|in|involving|within)\s(?P<list>" + _SITE_SEQ + r")\b")
# "bone metastases", "liver and lung metastases", "hepatic mets".
_SITE_BEFORE_RE = re.compile(r"\b(?P<list>" + _SITE_SEQ + r")\s$")
_EFFUSION_RE = re.compile(r"malignant\spleural\seffusion")
_OLIGO_RE = re.compile(r"\boligo-?\s?metasta\w+")
_LESION_COUNT_BEFORE_RE = re.compile(
    r"(?<![\w.])(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|single|solitary"
    r"|multiple|numerous|innumerable|diffuse|widespread|several)\s(?:[a-z]+\s){0,2}$"
)
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})
_MANY = {"multiple", "numerous", "innumerable", "diffuse", "widespread", "several"}


def _to_int(word: str) -> int | None:
    w = word.lower().replace(" ", "-")
    if w.isdigit():
        return int(w)
    if w in ("o",):
        return 0
    parts = w.split("-")
    if all(p in _WORDS for p in parts):
        return sum(_WORDS[p] for p in parts)
    return None


def _roman(s: str) -> int | None:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50}
    total, prev = 0, 0
    for ch in reversed(s):
        v = vals.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _dims_mm(dims: str, unit: str) -> float | None:
    nums = []
    for raw in _DIM_NUM_RE.findall(dims):
        try:
            nums.append(float(raw.replace(",", ".")))
        except ValueError:
            return None
    if not nums:
        return None
    value = max(nums) * (10 if unit.lower() == "cm" else 1)
    return round(value, 1)


def _last(rx: re.Pattern, s: str, start: int, end: int) -> re.Match | None:
    last = None
    for last in rx.finditer(s, start, end):  # noqa: B007 - only the last one is wanted
        pass
    return last


def _sizes(text: str, low: str) -> list[Finding]:
    out = []
    for m in _SIZE_RE.finditer(low):
        size = _dims_mm(m.group("dims"), m.group("unit"))
        if size is None or size <= 0 or size > 200:
            continue
        if _SIZE_AFTER_BLOCK_RE.match(low, m.end()):
            continue
        base = max(0, m.start() - 120)
        rank, kw_end = 0, 0
        for rank_i, rx, reach in ((3, _RANK3_RE, 60), (2, _RANK2_RE, 110), (1, _RANK1_RE, 60)):
            hit = _last(rx, low, max(base, m.start() - reach - 40), m.start())
            if hit is None or m.start() - hit.end() > reach:
                continue
            if _SIZE_BLOCK_RE.search(low, hit.end(), m.start()) or _BY_RE.match(low, hit.end()):
                continue
            if rank_i < 3 and _SITU_BEFORE_RE.search(low, base, hit.start()) and not \
                    _INVASIVE_AND_RE.search(low, max(0, hit.start() - 40), hit.start()):
                continue
            if rank_i == 2 and _SITU_AFTER_RE.match(low, hit.end()):
                continue
            if rank_i < 3 and _KW_NEGATED_RE.search(low, max(0, hit.start() - 20), hit.start()):
                continue
            rank, kw_end = rank_i, hit.end()
            break
        after = _SIZE_THEN_KW_RE.match(low, m.end())
        if after:
            r_after = 3 if after.group("r3") else 2 if after.group("r2") or after.group(
                "r2b") else 1
            if r_after > rank and not (r_after == 2 and _SITU_AFTER_RE.match(low, after.end())):
                rank, kw_end = r_after, m.end()
        if rank == 0:
            continue
        attrs: dict = {"rank": rank, "kind": {3: "invasive", 2: "tumor", 1: "mass"}[rank]}
        if "gross" in low[kw_end:m.end() + 30]:
            attrs["gross"] = True
        where = _last(_GROSS_OR_DX_RE, low, max(0, m.start() - 600), m.start())
        if where is not None and where.group("gross"):
            attrs["gross_description"] = True
        out.append(Finding("tumor_size_mm", size, text[m.start():m.end()], m.start(), m.end(),
                           confidence=0.6 + 0.1 * rank, attributes=attrs))
    return out


def _part_of(text: str, pos: int) -> str | None:
    window = text[max(0, pos - 250):pos]
    last = None
    for m in _PART_RE.finditer(window):
        last = m
    if last is None:
        return None
    return last.group("part") or "#" + last.group("num")


def _node_pair(field_pos: int | None, exam: int | None, text: str, start: int, end: int,
               conf: float, **attrs) -> list[Finding]:
    out = []
    if field_pos is not None:
        out.append(Finding("nodes_positive", field_pos, text[start:end], start, end,
                           confidence=conf, attributes={"examined": exam, **attrs}))
    if exam is not None:
        out.append(Finding("nodes_examined", exam, text[start:end], start, end,
                           confidence=conf, attributes={"positive": field_pos, **attrs}))
    return out


def _nodes(text: str, low: str) -> list[Finding]:
    out: list[Finding] = []
    taken: list[tuple[int, int]] = []

    statuses: list[Finding] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    def add(pos: int | None, exam: int | None, start: int, end: int, conf: float,
            **attrs) -> None:
        taken.append((start, end))
        out.extend(_node_pair(pos, exam, text, start, end, conf, **attrs))

    if "total" in low:
        for m in _TOTAL_OF_RE.finditer(low):
            pos, exam = int(m.group("pos")), int(m.group("exam"))
            if pos <= exam:
                add(pos, exam, *m.span(), 0.9, total=True)
    if "number" in low:
        _synoptic_counts(text, low, out, taken)

    for w in _NODE_WORD_RE.finditer(low):
        ws = w.start()
        base = max(0, ws - 100)
        before = low[base:ws]
        m = _OF_BEFORE_RE.search(before) if " of" in before or " or " in before else None
        if m:
            pos, exam = _to_int(m.group("pos")), _to_int(m.group("exam"))
            start = base + m.start()
            if pos is not None and exam is not None and pos <= exam <= 80 and free(start, w.end()):
                add(pos, exam, start, w.end(), 0.85, part=_part_of(text, start))
            continue
        m = _NEG_IN_BEFORE_RE.search(before) if " in " in before and _NEG_WORD_RE.search(
            before) else None
        if m:
            exam = _to_int(m.group("exam"))
            start = base + m.start()
            if exam is not None and exam <= 80 and free(start, w.end()):
                add(0, exam, start, w.end(), 0.85, part=_part_of(text, start))
            continue
        after = _NEG_AFTER_NODE_RE.match(low, w.end())
        if after:
            m = _NEG_COUNT_BEFORE_RE.search(before[-40:])
            if m:
                exam = _to_int(m.group("exam"))
                start = ws - len(before[-40:]) + m.start()
                if exam and exam <= 80 and free(start, after.end()):
                    add(0, exam, start, after.end(), 0.8, part=_part_of(text, start))
                    continue
        m = _OF_AFTER_RE.match(low, w.end())
        if m:
            pos, exam = _to_int(m.group("pos")), _to_int(m.group("exam"))
            if pos is not None and exam and pos <= exam <= 80 and free(ws, m.end()):
                add(pos, exam, ws, m.end(), 0.85, part=_part_of(text, ws))
            continue
        m = _PAREN_NEG_AFTER_RE.match(low, w.end())
        if m:
            exam = int(m.group("exam"))
            if 0 < exam <= 80 and free(ws, m.end()):
                add(0, exam, ws, m.end(), 0.8, part=_part_of(text, ws))
            continue
        if _POS_AFTER_NODE_RE.match(low, w.end()):
            m = _POS_COUNT_BEFORE_RE.search(before[-40:])
            start = ws - len(before[-40:]) + m.start() if m else 0
            if m and not _OF_END_RE.search(low, max(0, start - 12), start):
                pos = _to_int(m.group("pos"))
                if pos and pos <= 40 and free(start, w.end()) and not _negated(text, start, w.end()):
                    add(pos, None, start, w.end(), 0.75, part=_part_of(text, start))
                    continue
        m = _ONE_OF_BEFORE_RE.search(before) if "(of " in before else None
        if m and _POS_AFTER_NODE_RE.match(low, w.end()):
            start = base + m.start()
            exam = int(m.group("exam"))
            if 0 < exam <= 80 and free(start, w.end()):
                add(1, exam, start, w.end(), 0.8, part=_part_of(text, start))
            continue
        m = _IN_COUNT_BEFORE_RE.search(before) if _IN_CUE_RE.search(before, max(0, len(before) - 60)) else None
        if m:
            start = base + m.start()
            pos = 1 if m.group("pos") == "single" else _to_int(m.group("pos"))
            if pos and pos <= 40 and free(start, w.end()) and not _negated(text, start, w.end()):
                add(pos, None, start, w.end(), 0.75, part=_part_of(text, start))
            continue
        status = _qualitative(low, w, before)
        if status is not None:
            value, start, end, micro = status
            attrs = {"micrometastasis": True} if micro else {}
            statuses.append(Finding("nodal_status", value, text[start:end], start, end,
                                    confidence=0.75, attributes=attrs))
    for rx, conv, src in ((_FRACTION_RE, int, low), (_ROMAN_FRACTION_RE, _roman, text)):
        if rx is _ROMAN_FRACTION_RE and "/" not in text:
            continue
        for m in rx.finditer(src):
            pos, exam = conv(m.group("pos")), conv(m.group("exam"))
            if pos is None or exam is None or pos > exam or exam == 0 or exam > 80:
                continue
            if not free(*m.span()) or _FRACTION_OF_RE.match(src, m.end()):
                continue
            before = low[max(0, m.start() - 80):m.start()]
            if _FRACTION_BLOCK_RE.search(before[-25:]) or not (
                    _NODE_CONTEXT_RE.search(before)
                    or _NODE_WORD_RE.search(low, m.end(), m.end() + 40)):
                continue
            add(pos, exam, *m.span(), 0.8, part=_part_of(text, m.start()))
    _group_levels(out, text, low)
    _mark_itc(out, low)
    out.extend(f for f in statuses if free(f.start, f.end))
    for m in _N_COUNT_RE.finditer(text):
        if free(*m.span()) and re.search(r"pN|node", text[max(0, m.start() - 30):m.start()]):
            exam = int(m.group("exam"))
            out.append(Finding("nodes_examined", exam, text[m.start():m.end()], m.start(),
                               m.end(), confidence=0.7, attributes={"total": True}))
    return out


def _qualitative(low: str, w: re.Match, before: str) -> tuple[str, int, int, bool] | None:
    """A node statement without a count: ("negative" | "positive", start, end, micro)."""
    ws, we = w.start(), w.end()
    if _QUAL_SKIP_RE.search(low, max(0, ws - 60), min(len(low), we + 40)):
        return None
    neg = _QUAL_NEG_AFTER_RE.match(low, we) if _NEG_WORD_RE.search(low, we, we + 90) else None
    if neg and not _QUAL_POS_RE.search(neg.group("gap")):
        return "negative", ws, neg.end(), False
    neg = _QUAL_NEG_BEFORE_RE.search(before) if _NEG_WORD_RE.search(before) else None
    if neg and (not neg.group(0).endswith("no ") or _QUAL_NODE_NEG_RE.match(low, we)):
        end = we if not neg.group(0).endswith("no ") else _QUAL_NODE_NEG_RE.match(low, we).end()
        return "negative", ws - len(before) + neg.start(), end, False
    # Positive: a tumour word in the same statement, not negated ("SENTINEL LYMPH NODE #1:
    # - MICROMETASTATIC DUCTAL CARCINOMA", "LYMPH NODE WITH METASTATIC ADENOCARCINOMA").
    clause_start = max(before.rfind(". "), before.rfind("; ")) + 2 if (
        ". " in before or "; " in before) else 0
    head = before[clause_start:]
    tail_end = low.find(". ", we, we + 100)
    tail = low[we:tail_end if tail_end != -1 else we + 100]
    if _ITC_RE.search(head) or _ITC_RE.search(low, we, we + 80):
        # Isolated tumour cells do not make a node positive (AJCC): N0(i+).
        return "negative", ws, we, False
    for part, offset in ((head, ws - len(head)), (tail, we)):
        for p in _QUAL_POS_RE.finditer(part):
            at = offset + p.start()
            clause = low[max(offset, at - 40):at]
            if _NEG_CUE_BEFORE_RE.search(clause) or _NEG_CUE_AFTER_RE.match(low, offset + p.end()):
                continue
            micro = "micro" in head + tail and "macro" not in head + tail
            return "positive", min(ws, at), max(we, offset + p.end()), micro
    return None


def _group_levels(out: list[Finding], text: str, low: str) -> None:
    """Fractions listed one after another ("LEVEL I: 0/23; LEVEL II: 0/11; INTRAMAMMARY:
    1/1") are parts of one count: add them up into a total for that statement."""
    fracs = sorted((f for f in out if f.field == "nodes_positive" and "/" in f.text
                    and len(f.text) <= 7), key=lambda f: f.start)
    group: list[Finding] = []
    groups = []
    for f in fracs:
        # "4/8 positive (Axillary 4/8)": a bracketed restatement, not another level.
        if group and f.start - group[-1].end <= 40 and _LEVEL_GAP_RE.search(
                low, group[-1].end, f.start) and not _INSIDE_PAREN_RE.search(
                low, group[-1].end, f.start):
            group.append(f)
        else:
            if len(group) > 1:
                groups.append(group)
            group = [f]
    if len(group) > 1:
        groups.append(group)
    for g in groups:
        pos = sum(f.value for f in g)
        exam = sum(f.attributes["examined"] for f in g)
        start, end = g[0].start, g[-1].end
        attrs = {"examined": exam, "total": True, "levels": len(g)}
        out.append(Finding("nodes_positive", pos, text[start:end], start, end, confidence=0.85,
                           attributes=attrs))
        out.append(Finding("nodes_examined", exam, text[start:end], start, end, confidence=0.85,
                           attributes={"positive": pos, "total": True, "levels": len(g)}))


def _mark_itc(out: list[Finding], low: str) -> None:
    """Nodes holding only isolated tumour cells are not positive nodes (AJCC)."""
    for f in out:
        if f.field == "nodes_positive" and f.value and _ITC_RE.search(
                low, max(0, f.start - 60), f.start):
            f.attributes["itc_nodes"] = f.value
            f.value = 0


def _synoptic_counts(text: str, low: str, out: list[Finding],
                     taken: list[tuple[int, int]]) -> None:
    """Checklist counts, paired up: "Number examined: 23. Number involved: 6."."""
    exam_total = pos_total = None
    spans = []
    kinds: dict[str, int] = {}
    for m in _TOTAL_RE.finditer(low):
        raw = m.group("n")
        n = None if raw == "n/a" else _to_int(raw)
        if n is None:
            continue
        k = _TOTAL_KIND_RE.search(low, max(0, m.start() - 14), m.start())
        kind = k.group("kind") if k else ""
        which = m.group("which")
        if which == "examined":
            if kind == "sentinel" or "sentinel" in m.group("label"):
                kinds["sentinel_examined"] = n
            else:
                exam_total = max(exam_total or 0, n)
        elif which.startswith("macro"):
            kinds["macro"] = n
        elif which.startswith("micro"):
            kinds["micro"] = n
        elif which.startswith("isolated"):
            kinds["itc"] = n
        else:
            pos_total = (pos_total or 0) + n if kind == "regional" else max(pos_total or 0, n)
        spans.append(m.span())
        taken.append(m.span())
    if "macro" in kinds or "micro" in kinds:
        pos_total = max(pos_total or 0, kinds.get("macro", 0) + kinds.get("micro", 0))
    if exam_total is None and "sentinel_examined" in kinds:
        exam_total = kinds["sentinel_examined"]
    if pos_total is None and exam_total is None:
        return
    start, end = spans[0][0], spans[-1][1]
    attrs: dict = {"total": True}
    for key in ("macro", "micro", "itc"):
        if key in kinds:
            attrs[key] = kinds[key]
    if pos_total is not None:
        out.append(Finding("nodes_positive", pos_total, text[start:end], start, end,
                           confidence=0.9, attributes={"examined": exam_total, **attrs}))
    if exam_total is not None:
        out.append(Finding("nodes_examined", exam_total, text[start:end], start, end,
                           confidence=0.9, attributes={"positive": pos_total, **attrs}))


def _negated(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40):start]
    clause = re.split(r"[.;]\s", before)[-1]
    return bool(_NEG_CUE_BEFORE_RE.search(clause)) or bool(
        _NEG_CUE_AFTER_RE.match(text[end:end + 30]))


def _nodal_features(text: str, low: str) -> list[Finding]:
    out = []
    for rx, field, cues in ((_MICRO_RE, "micrometastasis", ("micro", "n1")),
                            (_ITC_RE, "isolated_tumor_cells", ("isolated", "itc", "(i")),
                            (_ENE_RE, "extranodal_extension", ("extra", "perinodal"))):
        if not any(c in low for c in cues):
            continue
        last_end = -100
        for m in rx.finditer(low):
            # "isolated tumor cells (ITC)" is one statement, not two.
            if m.start() - last_end < 20:
                continue
            last_end = m.end()
            negated = _negated(text, m.start(), m.end())
            if field == "micrometastasis" and re.search(
                    r"macrometasta|>\s?0\.2|larger than", low[max(0, m.start() - 60):m.start()]):
                continue
            out.append(Finding(field, not negated, text[m.start():m.end()], m.start(), m.end(),
                               confidence=0.8))
    return out


def _metastatic_sites(text: str, low: str) -> list[Finding]:
    out = []
    for w in _MET_WORD_RE.finditer(low):
        word = w.group(0)
        lists = []
        to = _MET_TO_RE.match(low, w.end())
        if to:
            lists.append((to.start("list"), to.group("list"), w.start(), to.end()))
        if word != "metastasized" and word != "spread":
            base = max(0, w.start() - 80)
            before = _SITE_BEFORE_RE.search(low, base, w.start())
            if before:
                lists.append((before.start("list"), before.group("list"), before.start(),
                              w.end()))
            count = _LESION_COUNT_BEFORE_RE.search(low, base, w.start())
            if count and word in ("metastases", "mets", "metastatic disease") and not \
                    _negated(text, count.start(), w.end()):
                raw = count.group("n")
                if raw in _MANY:
                    value, n = False, None
                else:
                    n = 1 if raw in ("single", "solitary") else _to_int(raw)
                    value = n is not None and 0 < n <= 5
                if n != 0 and (n is not None or not value):
                    out.append(Finding("oligometastatic", value, text[count.start():w.end()],
                                       count.start(), w.end(), confidence=0.7,
                                       attributes={"lesions": n} if n else {}))
        for lstart, lst, pstart, pend in lists:
            negated = _negated(text, pstart, pend)
            for site in _SITE_ONE_RE.finditer(lst):
                start, end = lstart + site.start(), lstart + site.end()
                finding = Finding("metastatic_site", site.lastgroup, text[start:end], start, end,
                                  confidence=0.8, attributes={"phrase": text[pstart:pend]})
                if negated:
                    finding.assertion = "negated"
                out.append(finding)
    if "effusion" in low:
        for m in _EFFUSION_RE.finditer(low):
            out.append(Finding("metastatic_site", "pleura", text[m.start():m.end()], m.start(),
                               m.end(), confidence=0.8,
                               assertion="negated" if _negated(text, m.start(), m.end())
                               else "present"))
    if "oligo" in low:
        for m in _OLIGO_RE.finditer(low):
            f = Finding("oligometastatic", True, text[m.start():m.end()], m.start(), m.end(),
                        confidence=0.9)
            if _negated(text, m.start(), m.end()):
                f.assertion = "negated"
            out.append(f)
    return out


def extract(text: str) -> list[Finding]:
    """Size, node and metastasis findings, in text order."""
    low = text.lower()
    if len(low) != len(text):
        # A few non-ASCII letters change length when lower-cased; keep offsets valid.
        low = text.translate(_ASCII_LOWER)
    findings = (_sizes(text, low) + _nodes(text, low) + _nodal_features(text, low)
                + _metastatic_sites(text, low))
    findings.sort(key=lambda f: (f.start, f.field))
    return findings
