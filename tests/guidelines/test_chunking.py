import re
import statistics

from guidelines.chunking import MAX_WORDS, MIN_WORDS, chunk_corpus, chunk_page, pack_units
from guidelines.corpus.manifest import load_corpus
from guidelines.types import PageMeta

PAGE = PageMeta(
    corpus="demo",
    file="pages/demo-page.md",
    url="https://www.cancer.gov/demo",
    title="Demo",
    updated="2025-04-25",
    publisher="National Cancer Institute",
)


def words(text):
    return len(text.split())


def test_ids_are_stable_and_unique_across_rebuilds(nci_corpus, nci_passages):
    again = chunk_corpus(nci_corpus)
    assert [(p.id, p.text) for p in again] == [(p.id, p.text) for p in nci_passages]
    assert len({p.id for p in nci_passages}) == len(nci_passages)
    assert all(re.fullmatch(r"nci-[a-z0-9-]+-\d+", p.id) for p in nci_passages)


def test_passage_sizes_are_bounded(nci_passages):
    sizes = [words(p.text) for p in nci_passages]
    # Merged short sections add their heading as a label, hence the small allowance.
    assert max(sizes) <= MAX_WORDS * 1.1
    assert MIN_WORDS <= statistics.median(sizes) <= MAX_WORDS
    assert sum(s < 25 for s in sizes) / len(sizes) < 0.02


def test_every_passage_can_be_cited(nci_passages):
    for p in nci_passages:
        assert p.title and p.publisher == "National Cancer Institute"
        assert p.url.startswith("https://www.cancer.gov/") and p.url.startswith(p.page_url)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.updated), p.id
        assert p.sentences and all(s.strip() for s in p.sentences)
    first = nci_passages[0]
    assert (
        first.citation
        == f"National Cancer Institute, {first.title}, {first.url}, updated {first.updated}"
    )


def test_pdq_dates_use_the_summary_update_not_the_scrape_date(nci_passages):
    treatment = next(
        p for p in nci_passages if p.file.endswith("types-breast-hp-breast-treatment-pdq.md")
    )
    assert treatment.updated == "2025-04-25"
    assert treatment.title == "Breast Cancer Treatment (PDQ®)"  # " - NCI" tab suffix dropped


def test_no_scrape_noise_reaches_passages(nci_passages):
    for p in nci_passages:
        for noise in (
            "#cit/",
            "![",
            "PUBMED",
            "Placeholder slot",
            "](",
            "| ---",
            "Permission to Use This Summary",
        ):
            assert noise not in p.text, (p.id, noise)


def test_headings_are_kept_and_anchors_reach_urls(nci_passages):
    mbc = [
        p for p in nci_passages if p.heading_path[:1] == ("Treatment of Metastatic Breast Cancer",)
    ]
    assert mbc, "the metastatic treatment section of the PDQ summary is missing"
    assert any(p.url.endswith("#_1452") for p in mbc)


def test_chunk_page_keeps_heading_path_and_splits_long_sections_between_sentences():
    sentence = "Lymphedema is swelling that can follow lymph node surgery and radiation. "
    markdown = (
        "# Demo\n\n## Side Effects\n\nIntro text about side effects of treatment here.\n\n"
        f"### Lymphedema\n\n{sentence * 60}\n\n### Fatigue\n\n" + "Fatigue is common. " * 40
    )
    passages = chunk_page(markdown, PAGE, "demo")
    assert [p.id for p in passages] == [f"demo-demo-page-{i}" for i in range(1, len(passages) + 1)]
    lymph = [p for p in passages if p.heading_path == ("Side Effects", "Lymphedema")]
    assert len(lymph) >= 3
    assert (
        "Intro text about side effects" in lymph[0].text
    )  # short intro joins its first sub-section
    assert all(words(p.text) <= MAX_WORDS and p.text.endswith(".") for p in lymph)
    assert any(p.heading_path == ("Side Effects", "Fatigue") for p in passages)


def test_pack_units_balances_pieces():
    units = ["word " * 100] * 5  # 500 words → three pieces of ~167, not 200/200/100
    groups = pack_units([u.strip() for u in units], max_words=200)
    sizes = [sum(words(u) for u in g) for g in groups]
    assert sum(sizes) == 500 and max(sizes) <= 200 and min(sizes) >= 100


def test_any_corpus_folder_with_a_manifest_works(tmp_path):
    folder = tmp_path / "acme_health"
    (folder / "pages").mkdir(parents=True)
    (folder / "pages" / "a.md").write_text("# A\n\n## Topic\n\n" + "Useful words here. " * 30)
    (folder / "pages" / "b.md").write_text("# B\n\nNo URL, so never served.")
    (folder / "MANIFEST.tsv").write_text(
        "file\turl\ttitle\tscraped_lastReviewed\tpdq_latest_update\n"
        "pages/a.md\thttps://health.example.org/a\tPage A - NCI\t2024-01-02\t\n"
        "pages/b.md\t\tPage B\t\t\n"
    )
    corpus = load_corpus(folder)
    assert corpus.id_prefix == "acme" and corpus.base_url == "https://health.example.org"
    passages = chunk_corpus(corpus)
    assert {p.file for p in passages} == {"pages/a.md"}
    assert passages[0].id == "acme-a-1" and passages[0].updated == "2024-01-02"
    assert passages[0].heading_path == ("Topic",)
