from guidelines.corpus.clean import clean_markdown, heading_anchors, remove_citations
from guidelines.sentences import split_sentences

PAGE = "https://www.cancer.gov/types/breast/hp/breast-treatment-pdq"

RAW = """---
title: Breast Cancer Treatment (PDQ®) - NCI
url: https://www.cancer.gov/types/breast/hp/breast-treatment-pdq
---

# Breast Cancer Treatment (PDQ®) - NCI

## General Information

[Go to Patient Version](/types/breast/patient/breast-treatment-pdq)

Breast cancer is the most common cancer in U.S. women.[[1](#cit/section_1.1)] Screening
changes the cancers found.[[2](#cit/section_1.2),[3](#cit/section_1.3)] Risk rises with
age.[[28](#cit/section_1.28)-[31](#cit/section_1.31)][[Level of evidence C3](/Common/PopUps/popDefinition.aspx?id=810039&version=HealthProfessional&language=English)]
For more, see [Special Populations](/types/breast/hp/breast-screening-pdq#_123) and
the [staging section](#_1952), or [DailyMed](https://dailymed.nlm.nih.gov/x).
A [tumor](/Common/PopUps/popDefinition.aspx?id=46634&version=Patient&language=English) may grow.

[Enlarge](https://nci-media.cancer.gov/pdq/media/images/415520.jpg)![Illustration of the breast.](https://nci-media.cancer.gov/pdq/media/images/415520-750.jpg "Illustration")

Credit: © Terese Winslow

Table 8. Definition of Anatomical Stage Groups

| Stage | TNM |
| --- | --- |
| IA | T1, N0, M0 |

##

###### References

1. American Cancer Society: Cancer Facts and Figures 2025. [[PUBMED Abstract]](http://www.ncbi.nlm.nih.gov/x)

## Treatment of Metastatic Breast Cancer

Endocrine therapy is used first.

- [Targeted Therapy to Treat Cancer](https://www.cancer.gov/about-cancer/treatment/types/targeted-therapies)

## About This PDQ Summary

### Purpose of This Summary

This PDQ cancer information summary for health professionals provides information.

## Latest Updates to This Summary (04/25/2025)

Revised [text](/types/breast/hp/breast-treatment-pdq#_3315) about trials.
**[Treatment of Metastatic Breast Cancer](/types/breast/hp/breast-treatment-pdq#_1452)**
"""


def cleaned():
    return clean_markdown(RAW, PAGE)


def test_citation_anchors_and_evidence_levels_are_removed():
    text = cleaned()
    assert "#cit/" not in text and "Level of evidence" not in text
    assert (
        "most common cancer in U.S. women. Screening changes the cancers found. Risk rises with age."
        in text
    )


def test_remove_citations_keeps_ordinary_brackets():
    assert remove_citations("Stage [IIA] disease.[[4](#cit/section_1.4)]") == "Stage [IIA] disease."


def test_relative_links_become_absolute_cancer_gov_urls():
    text = cleaned()
    assert (
        "[Special Populations](https://www.cancer.gov/types/breast/hp/breast-screening-pdq#_123)"
        in text
    )
    assert f"[staging section]({PAGE}#_1952)" in text
    assert "[DailyMed](https://dailymed.nlm.nih.gov/x)" in text
    assert "](/" not in text


def test_glossary_popups_become_plain_words():
    text = cleaned()
    assert "A tumor may grow." in text
    assert "popDefinition" not in text


def test_reference_lists_boilerplate_and_changelog_are_dropped():
    text = cleaned()
    assert "PUBMED" not in text and "Cancer Facts and Figures" not in text
    assert "About This PDQ Summary" not in text and "health professionals provides" not in text
    assert "Latest Updates" not in text and "Revised" not in text
    # …but the section after a dropped one survives.
    assert "## Treatment of Metastatic Breast Cancer\n\nEndocrine therapy is used first." in text


def test_navigation_images_tables_and_empty_headings_are_dropped():
    text = cleaned()
    for noise in (
        "Go to Patient Version",
        "Enlarge",
        "![",
        "Credit:",
        "| Stage",
        "T1, N0",
        "Table 8",
        "Targeted Therapy to Treat Cancer",
    ):
        assert noise not in text, noise
    assert "\n##\n" not in text
    assert "title:" not in text  # front matter


def test_heading_anchors_come_from_the_pages_links_to_itself():
    anchors = heading_anchors(RAW, PAGE)
    assert anchors["treatment of metastatic breast cancer"] == "_1452"
    assert "special populations" not in anchors  # links to another page


def test_sentence_splitter_respects_abbreviations_and_decimals():
    text = "Smith et al. found a 1.5 cm tumor in the U.S. trial (P = .57). Rates fell, e.g. by 2%. Dr. Lee agreed!\n- a list item"
    assert split_sentences(text) == [
        "Smith et al. found a 1.5 cm tumor in the U.S. trial (P = .57).",
        "Rates fell, e.g. by 2%.",
        "Dr. Lee agreed!",
        "- a list item",
    ]
