// diffText: libgit2's line diff of two texts, hunks and line numbers.

#include "vcs/textdiff.h"

#include <QTest>

using namespace osh::vcs;

class TstTextDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equalTextsGiveNoHunks()
    {
        std::string err;
        QVERIFY(diffText("a\nb\n", "a\nb\n", 3, &err).empty());
        QVERIFY(err.empty());
    }

    void equalTextsWholeFile()
    {
        const auto hunks = diffText("a\nb\n", "a\nb\n", -1);
        QCOMPARE(hunks.size(), size_t(1));
        QCOMPARE(hunks[0].lines.size(), size_t(2));
        QCOMPARE(hunks[0].lines[1].kind, DiffLine::Context);
        QCOMPARE(hunks[0].lines[1].oldLine, 2);
        QCOMPARE(hunks[0].lines[1].newLine, 2);
        QCOMPARE(hunks[0].lines[1].text, std::string("b"));
    }

    void changedLine()
    {
        const auto hunks = diffText("one\ntwo\nthree\n", "one\nTWO\nthree\n", 0);
        QCOMPARE(hunks.size(), size_t(1));
        const DiffHunk &h = hunks[0];
        QCOMPARE(h.oldStart, 2);
        QCOMPARE(h.oldLines, 1);
        QCOMPARE(h.newStart, 2);
        QCOMPARE(h.newLines, 1);
        QCOMPARE(h.lines.size(), size_t(2));
        QCOMPARE(h.lines[0].kind, DiffLine::Removed);
        QCOMPARE(h.lines[0].oldLine, 2);
        QCOMPARE(h.lines[0].newLine, 0);
        QCOMPARE(h.lines[0].text, std::string("two"));
        QCOMPARE(h.lines[1].kind, DiffLine::Added);
        QCOMPARE(h.lines[1].oldLine, 0);
        QCOMPARE(h.lines[1].newLine, 2);
        QCOMPARE(h.lines[1].text, std::string("TWO"));
    }

    void contextAroundChange()
    {
        std::string a, b;
        for (int i = 1; i <= 20; ++i) {
            a += "line " + std::to_string(i) + "\n";
            b += (i == 10 ? std::string("changed") : "line " + std::to_string(i)) + "\n";
        }
        const auto hunks = diffText(a, b, 2);
        QCOMPARE(hunks.size(), size_t(1));
        QCOMPARE(hunks[0].oldStart, 8);
        QCOMPARE(hunks[0].oldLines, 5);
        QCOMPARE(hunks[0].lines.size(), size_t(6));
        QCOMPARE(hunks[0].lines.front().text, std::string("line 8"));
        QCOMPARE(hunks[0].lines.front().kind, DiffLine::Context);
        QCOMPARE(hunks[0].lines.back().text, std::string("line 12"));
        QCOMPARE(hunks[0].lines.back().oldLine, 12);
        QCOMPARE(hunks[0].lines.back().newLine, 12);

        // Whole file: every line, once, in one hunk.
        const auto whole = diffText(a, b, -1);
        QCOMPARE(whole.size(), size_t(1));
        QCOMPARE(whole[0].lines.size(), size_t(21));
        QCOMPARE(whole[0].oldStart, 1);
        QCOMPARE(whole[0].oldLines, 20);
    }

    void twoSeparateHunks()
    {
        std::string a, b;
        for (int i = 1; i <= 30; ++i) {
            a += "l" + std::to_string(i) + "\n";
            b += (i == 3 || i == 25 ? "x" : "l") + std::to_string(i) + "\n";
        }
        const auto hunks = diffText(a, b, 1);
        QCOMPARE(hunks.size(), size_t(2));
        QCOMPARE(hunks[1].oldStart, 24);
    }

    void additionsAtEndAndMissingNewline()
    {
        const auto hunks = diffText("a\nb", "a\nb\nc\n", 3);
        QCOMPARE(hunks.size(), size_t(1));
        int added = 0, removed = 0;
        for (const auto &l : hunks[0].lines) {
            QVERIFY(l.text.find('\n') == std::string::npos);
            QVERIFY2(l.text.rfind("\\ No newline", 0) != 0, l.text.c_str());
            added += l.kind == DiffLine::Added;
            removed += l.kind == DiffLine::Removed;
        }
        // "b" without a newline differs from "b\n": git shows it removed and re-added.
        QCOMPARE(removed, 1);
        QCOMPARE(added, 2);
    }

    void fromAndToEmpty()
    {
        auto hunks = diffText("", "x\ny\n", 3);
        QCOMPARE(hunks.size(), size_t(1));
        QCOMPARE(hunks[0].oldLines, 0);
        QCOMPARE(hunks[0].newLines, 2);
        QCOMPARE(hunks[0].lines[1].newLine, 2);
        hunks = diffText("x\n", "", -1);
        QCOMPARE(hunks.size(), size_t(1));
        QCOMPARE(hunks[0].lines.size(), size_t(1));
        QCOMPARE(hunks[0].lines[0].kind, DiffLine::Removed);
        QVERIFY(diffText("", "", -1).empty());
    }

    void binaryLookingTextIsStillText()
    {
        const std::string a("a\0b\nsame\n", 9);
        const std::string b("a\0c\nsame\n", 9);
        const auto hunks = diffText(a, b, 0);
        QCOMPARE(hunks.size(), size_t(1));
        QCOMPARE(hunks[0].lines.size(), size_t(2));
        QCOMPARE(hunks[0].lines[1].text, std::string("a\0c", 3));
    }

    void crlfLinesLoseTheirCarriageReturn()
    {
        const auto hunks = diffText("a\r\nb\r\n", "a\r\nc\r\n", 0);
        QCOMPARE(hunks.size(), size_t(1));
        QCOMPARE(hunks[0].lines[1].text, std::string("c"));
    }

    void unifiedRendering()
    {
        const auto hunks = diffText("one\ntwo\n", "one\n2\n", 1);
        QCOMPARE(unifiedDiff(hunks, "a/p.yaml", "b/p.yaml"),
                 std::string("--- a/p.yaml\n+++ b/p.yaml\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n"));
        QVERIFY(unifiedDiff({}, "a", "b").empty());
    }
};

QTEST_GUILESS_MAIN(TstTextDiff)
#include "tst_textdiff.moc"
