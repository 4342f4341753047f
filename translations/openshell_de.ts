<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CommitReview</name>
    <message>
        <location filename="../ui/history/commitreview.cpp" line="+42"/>
        <source>the text is not a policy document</source>
        <translation>der Text ist kein Richtliniendokument</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Block policy &apos;%1&apos; becomes unreachable. %2</source>
        <translation>Die Sperr-Richtlinie &apos;%1&apos; wird unerreichbar. %2</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Policy tests %1 do not load, so none of their cases was checked: %2</source>
        <translation>Die Richtlinientests %1 lassen sich nicht laden, daher wurde keiner ihrer Fälle geprüft: %2</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1 (line %2)</source>
        <translation>%1 (Zeile %2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Policy test %1 › %2 fails: %3</source>
        <translation>Richtlinientest %1 › %2 schlägt fehl: %3</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>No semantic diff: the version being committed has errors.</source>
        <translation>Kein semantischer Vergleich: die zu übernehmende Fassung hat Fehler.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The version being committed does not load: %1</source>
        <translation>Die zu übernehmende Fassung lädt nicht: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>First commit of this file: there is no committed version to compare with.</source>
        <translation>Erster Commit dieser Datei: es gibt keine übernommene Fassung zum Vergleich.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No semantic diff: the committed version has errors (%1).</source>
        <translation>Kein semantischer Vergleich: die übernommene Fassung hat Fehler (%1).</translation>
    </message>
</context>
<context>
    <name>PiiFindingWords</name>
    <message>
        <location filename="../ui/trace/piifindingtext.cpp" line="+10"/>
        <source>Luhn check digit</source>
        <translation>Luhn-Prüfziffer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SSN area, group and serial</source>
        <translation>SSN-Bereich, -Gruppe und -Seriennummer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>IBAN length and mod-97 check</source>
        <translation>IBAN-Länge und Mod-97-Prüfung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>valid phone number</source>
        <translation>gültige Telefonnummer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>valid address</source>
        <translation>gültige Adresse</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>address structure</source>
        <translation>Adressaufbau</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>credential format</source>
        <translation>Format eines Zugangsschlüssels</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>decoded from base64</source>
        <translation>aus Base64 dekodiert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>decoded from hex</source>
        <translation>aus Hex dekodiert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>look-alike characters folded</source>
        <translation>ähnlich aussehende Zeichen vereinheitlicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>invisible characters removed</source>
        <translation>unsichtbare Zeichen entfernt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>mixed separators</source>
        <translation>gemischte Trennzeichen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>split over a line break</source>
        <translation>über einen Zeilenumbruch verteilt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>split across strings</source>
        <translation>über mehrere Zeichenketten verteilt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>lower case</source>
        <translation>Kleinschreibung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&quot;at&quot; and &quot;dot&quot; written as words</source>
        <translation>„at“ und „dot“ als Wörter geschrieben</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1, bytes %2-%3</source>
        <translation>%1, Bytes %2-%3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 in %2, bytes %3-%4</source>
        <translation>%1 in %2, Bytes %3-%4</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>after &quot;%1&quot;</source>
        <translation>nach „%1“</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>read through: %1</source>
        <translation>erkannt trotz: %1</translation>
    </message>
</context>
<context>
    <name>PolicyShadowing</name>
    <message>
        <location filename="../ui/visual/policyshadowing.cpp" line="+31"/>
        <source>Policy &apos;%1&apos; is shadowed by &apos;%2&apos;, which has the same trigger and always matches: &apos;%1&apos; can never fire.</source>
        <translation>Richtlinie &apos;%1&apos; wird von &apos;%2&apos; verdeckt, die denselben Auslöser hat und immer zutrifft: &apos;%1&apos; kann nie greifen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Policy &apos;%1&apos; is shadowed by &apos;%2&apos;, which has the same trigger and the same condition: &apos;%1&apos; can never fire.</source>
        <translation>Richtlinie &apos;%1&apos; wird von &apos;%2&apos; verdeckt, die denselben Auslöser und dieselbe Bedingung hat: &apos;%1&apos; kann nie greifen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Policy &apos;%1&apos; is shadowed by &apos;%2&apos;, which has the same trigger and matches every request whose %3 is %4: &apos;%1&apos; can never fire.</source>
        <translation>Richtlinie &apos;%1&apos; wird von &apos;%2&apos; verdeckt, die denselben Auslöser hat und jede Anfrage trifft, deren %3 %4 ist: &apos;%1&apos; kann nie greifen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Policy &apos;%1&apos; is shadowed by &apos;%2&apos;, which has the same trigger and matches every request whose %3 is one of %4: &apos;%1&apos; can never fire.</source>
        <translation>Richtlinie &apos;%1&apos; wird von &apos;%2&apos; verdeckt, die denselben Auslöser hat und jede Anfrage trifft, deren %3 eines von %4 ist: &apos;%1&apos; kann nie greifen.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/studio/main.cpp" line="+95"/>
        <source>Author, run and replay agent runtime policies.</source>
        <translation>Laufzeitrichtlinien für KI-Agenten verfassen, ausführen und wiedergeben.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Folder to open as the workspace (default: the most recent one), or a policy file to open in its folder.</source>
        <translation>Ordner, der als Arbeitsbereich geöffnet wird (Standard: der zuletzt verwendete), oder eine Richtliniendatei, die in ihrem Ordner geöffnet wird.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show a view (policy, simulator, tests, launcher, replay, approvals, history, problems, policies) with something in it: the editor&apos;s first problem, a decided request, a test run, the newest session&apos;s first violation.</source>
        <translation>Eine Ansicht (policy, simulator, tests, launcher, replay, approvals, history, problems, policies) mit Inhalt zeigen: das erste Problem im Editor, eine entschiedene Anfrage, einen Testlauf, den ersten Verstoß der neuesten Sitzung.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Print the time from process start to the first paint of the window.</source>
        <translation>Die Zeit vom Prozessstart bis zum ersten Zeichnen des Fensters ausgeben.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>As --report-ready, then quit (for benchmarks).</source>
        <translation>Wie --report-ready, danach beenden (für Benchmarks).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the demo workspace (your copy of it, made on first use).</source>
        <translation>Den Demo-Arbeitsbereich öffnen (Ihre eigene Kopie, beim ersten Aufruf angelegt).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>With --page replay: re-decide the session against the policy in the editor.</source>
        <translation>Mit --page replay: die Sitzung gegen die Richtlinie im Editor neu entscheiden.</translation>
    </message>
    <message>
        <location filename="../app/studio/pageoption.cpp" line="+92"/>
        <source>No view named &apos;%1&apos;; the views are: %2.</source>
        <translation>Keine Ansicht namens &apos;%1&apos;; verfügbare Ansichten: %2.</translation>
    </message>
</context>
<context>
    <name>osh::ui::AboutDialog</name>
    <message>
        <location filename="../ui/shell/aboutdialog.cpp" line="+40"/>
        <source>About OpenShell Studio</source>
        <translation>Über OpenShell Studio</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>OpenShell Studio</source>
        <translation>OpenShell Studio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Author, check, simulate, run and replay runtime policies for AI agent sandboxes.</source>
        <translation>Laufzeitrichtlinien für KI-Agenten-Sandboxes verfassen, prüfen, simulieren, ausführen und wiedergeben.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Version</source>
        <translation>Version</translation>
    </message>
</context>
<context>
    <name>osh::ui::ApprovalsModel</name>
    <message>
        <location filename="../ui/approvals/approvalsmodel.cpp" line="+66"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tool</source>
        <translation>Tool</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Parameters (redacted)</source>
        <translation>Parameter (geschwärzt)</translation>
    </message>
</context>
<context>
    <name>osh::ui::ApprovalsPanel</name>
    <message>
        <location filename="../ui/approvals/approvalspanel.cpp" line="+103"/>
        <source>&amp;Approve</source>
        <translation>&amp;Freigeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Deny</source>
        <translation>Ab&amp;lehnen</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Select a held action to see its request and decision.</source>
        <translation>Eine zurückgehaltene Aktion auswählen, um ihre Anfrage und Entscheidung zu sehen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note (optional, recorded with the verdict)</source>
        <translation>Notiz (optional, wird mit dem Ergebnis protokolliert)</translation>
    </message>
    <message>
        <location line="+125"/>
        <location line="+16"/>
        <source>Cannot read the pending approvals: %1</source>
        <translation>Die ausstehenden Freigaben können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>%1 held by %2: %3</source>
        <translation>%1 zurückgehalten durch %2: %3</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Parameters as the agent sent them (kept in memory until decided; the audit log has them redacted):</source>
        <translation>Parameter, wie der Agent sie gesendet hat (bis zur Entscheidung nur im Speicher; das Audit-Protokoll hat sie geschwärzt):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only approvers may see the real parameters. Redacted:</source>
        <translation>Nur Genehmigende dürfen die echten Parameter sehen. Geschwärzt:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Real parameters held by host %1, not here. Redacted:</source>
        <translation>Die echten Parameter hält Host %1, nicht dieser. Geschwärzt:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Real parameters not available here (held by another process, or lost when it restarted). Redacted:</source>
        <translation>Die echten Parameter sind hier nicht verfügbar (ein anderer Prozess hält sie, oder sie gingen bei seinem Neustart verloren). Geschwärzt:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Approval #%1 of session %2 (queue %3, policy %4)
%5

Parameters (redacted):
%6

Request:
%7

Decision:
%8</source>
        <translation>Freigabe #%1 der Sitzung %2 (Warteschlange %3, Richtlinie %4)
%5

Parameter (geschwärzt):
%6

Anfrage:
%7

Entscheidung:
%8</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Select a held action first.</source>
        <translation>Zuerst eine zurückgehaltene Aktion auswählen.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Approval #%1 is no longer pending.</source>
        <translation>Freigabe #%1 steht nicht mehr aus.</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Cannot resolve approval #%1: %2</source>
        <translation>Über Freigabe #%1 kann nicht entschieden werden: %2</translation>
    </message>
    <message>
        <location line="-18"/>
        <location line="+22"/>
        <source>Approved #%1.</source>
        <translation>#%1 freigegeben.</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+22"/>
        <source>Denied #%1.</source>
        <translation>#%1 abgelehnt.</translation>
    </message>
</context>
<context>
    <name>osh::ui::CommitDialog</name>
    <message>
        <location filename="../ui/history/commitdialog.cpp" line="+27"/>
        <source>Does not load</source>
        <translation>Lädt nicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Newly allowed</source>
        <translation>Neu erlaubt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Policy test fails</source>
        <translation>Richtlinientest schlägt fehl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unreachable block</source>
        <translation>Unerreichbare Sperre</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Policy tests do not load</source>
        <translation>Richtlinientests lassen sich nicht laden</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>I have read the warnings and want to commit anyway</source>
        <translation>Ich habe die Warnungen gelesen und will trotzdem übernehmen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Review again</source>
        <translation>Erneut prüfen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Commit %1</source>
        <translation>%1 committen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;Not set&lt;/b&gt;: set your name and email in Preferences.</source>
        <translation>&lt;b&gt;Nicht festgelegt&lt;/b&gt;: Name und E-Mail-Adresse in den Einstellungen festlegen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Author:</source>
        <translation>Autor:</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Message (first line: a short summary):</source>
        <translation>Nachricht (erste Zeile: kurze Zusammenfassung):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What changed, and why</source>
        <translation>Was sich geändert hat und warum</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+114"/>
        <source>Commit</source>
        <translation>Committen</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Reviewing… validating both versions and running the workspace&apos;s policy tests.</source>
        <translation>Wird geprüft… beide Versionen werden validiert und die Richtlinientests des Arbeitsbereichs ausgeführt.</translation>
    </message>
    <message numerus="yes">
        <location line="+69"/>
        <source>Warning: this commit needs a second look (%n finding(s)).</source>
        <translation>
            <numerusform>Warnung: dieser Commit verdient einen zweiten Blick (%n Befund).</numerusform>
            <numerusform>Warnung: dieser Commit verdient einen zweiten Blick (%n Befunde).</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Commit with warnings</source>
        <translation>Trotz Warnungen übernehmen</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>%1 changed on disk since it was reviewed, so it was not committed: the review above is not about what would be committed. Review it again.</source>
        <translation>%1 wurde seit der Prüfung auf der Festplatte geändert und daher nicht committet: Die Prüfung oben betrifft nicht, was committet würde. Prüfen Sie erneut.</translation>
    </message>
</context>
<context>
    <name>osh::ui::CompareWindow</name>
    <message>
        <location filename="../ui/history/comparewindow.cpp" line="+27"/>
        <source>%1: %2 → %3</source>
        <translation>%1: %2 → %3</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Side by side</source>
        <translation>Nebeneinander</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The diff failed: %1</source>
        <translation>Der Vergleich ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two versions are identical.</source>
        <translation>Die beiden Versionen sind identisch.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unified</source>
        <translation>Unified-Diff</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Semantic</source>
        <translation>Semantisch</translation>
    </message>
</context>
<context>
    <name>osh::ui::DocumentOutline</name>
    <message>
        <location filename="../ui/editor/documentoutline.cpp" line="+22"/>
        <source>policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>egress rule</source>
        <translation>Regel für ausgehenden Verkehr</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>filesystem rule</source>
        <translation>Dateisystemregel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>tool</source>
        <translation>Tool</translation>
    </message>
</context>
<context>
    <name>osh::ui::EventFollower</name>
    <message>
        <location filename="../ui/service/serviceclient.cpp" line="+231"/>
        <source>openshelld closed the event stream before the session ended</source>
        <translation>openshelld hat den Ereignisstrom vor dem Ende der Sitzung geschlossen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the event stream broke: %1</source>
        <translation>der Ereignisstrom ist abgebrochen: %1</translation>
    </message>
</context>
<context>
    <name>osh::ui::EventStreamModel</name>
    <message>
        <location filename="../ui/launcher/eventstreammodel.cpp" line="+126"/>
        <source>Seq</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tool</source>
        <translation>Tool</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>osh::ui::FindBar</name>
    <message>
        <location filename="../ui/editor/findbar.cpp" line="+29"/>
        <source>Match case</source>
        <translation>Groß-/Kleinschreibung</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replace with</source>
        <translation>Ersetzen durch</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next</source>
        <translation>Nächster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous</source>
        <translation>Vorheriger</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replace all</source>
        <translation>Alle ersetzen</translation>
    </message>
</context>
<context>
    <name>osh::ui::FormBinder</name>
    <message>
        <location filename="../ui/visual/formbinder.cpp" line="+51"/>
        <source>default: %1</source>
        <translation>Standard: %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>(not set)</source>
        <translation>(nicht gesetzt)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>(default: %1)</source>
        <translation>(Standard: %1)</translation>
    </message>
</context>
<context>
    <name>osh::ui::GoToPopup</name>
    <message>
        <location filename="../ui/editor/gotopopup.cpp" line="+21"/>
        <source>Go to policy, rule or tool</source>
        <translation>Zu Richtlinie, Regel oder Tool springen</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>%1  —  %2, line %3</source>
        <translation>%1  —  %2, Zeile %3</translation>
    </message>
</context>
<context>
    <name>osh::ui::HistoryModel</name>
    <message>
        <location filename="../ui/history/historymodel.cpp" line="+60"/>
        <source>Working file</source>
        <translation>Arbeitsdatei</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Uncommitted changes</source>
        <translation>Nicht committete Änderungen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>deployed</source>
        <translation>bereitgestellt</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Commit</source>
        <translation>Commit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deployed</source>
        <translation>Bereitgestellt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Author</source>
        <translation>Autor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
</context>
<context>
    <name>osh::ui::HistoryPanel</name>
    <message>
        <location filename="../ui/history/historypanel.cpp" line="+51"/>
        <source>Commit…</source>
        <translation>Committen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare</source>
        <translation>Vergleichen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restore this version</source>
        <translation>Diese Version wiederherstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+48"/>
        <source>Mark as deployed</source>
        <translation>Als bereitgestellt markieren</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>Compare the two selected versions, or the selected one with the working file</source>
        <translation>Die beiden ausgewählten Versionen vergleichen oder die ausgewählte mit der Arbeitsdatei</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Note for this deployment (optional):</source>
        <translation>Notiz zu dieser Bereitstellung (optional):</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>No policy file is open.</source>
        <translation>Keine Richtliniendatei geöffnet.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 is not in a git repository. Commit… creates one in the workspace.</source>
        <translation>%1 liegt in keinem Git-Repository. „Committen…“ legt eines im Arbeitsbereich an.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The history of %1 cannot be read: %2</source>
        <translation>Der Verlauf von %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>detached HEAD at %1</source>
        <translation>losgelöster HEAD bei %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>branch %1, no commits yet</source>
        <translation>Branch %1, noch keine Commits</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>branch %1</source>
        <translation>Branch %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unchanged since the last commit</source>
        <translation>seit dem letzten Commit unverändert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>changed since the last commit</source>
        <translation>seit dem letzten Commit geändert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>added, not committed yet</source>
        <translation>hinzugefügt, noch nicht committet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not committed yet</source>
        <translation>noch nicht committet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>deleted from the working tree</source>
        <translation>aus dem Arbeitsverzeichnis gelöscht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not saved yet</source>
        <translation>noch nicht gespeichert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ignored by git</source>
        <translation>von Git ignoriert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; unsaved edits in the editor</source>
        <translation>; ungespeicherte Änderungen im Editor</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%1 — %2 — %3 — %n commit(s)</source>
        <translation>
            <numerusform>%1 — %2 — %3 — %n Commit</numerusform>
            <numerusform>%1 — %2 — %3 — %n Commits</numerusform>
        </translation>
    </message>
    <message>
        <location line="+23"/>
        <source>changed</source>
        <translation>geändert</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a repository will be created in %1</source>
        <translation>ein Repository wird in %1 angelegt</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Save %1 before committing: the editor has unsaved changes.</source>
        <translation>%1 vor dem Committen speichern: Der Editor enthält ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not committed: %1 changed since it was reviewed. Commit again to review it.</source>
        <translation>Nicht committet: %1 wurde seit der Prüfung geändert. Committen Sie erneut, um es zu prüfen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+5"/>
        <source>Cannot commit: %1</source>
        <translation>Committen nicht möglich: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Committed %1 as %2</source>
        <translation>%1 als %2 committet</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+8"/>
        <source>Restore %1</source>
        <translation>%1 wiederherstellen</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>The editor has unsaved changes to %1. Restoring version %2 discards them. Restore anyway?</source>
        <translation>Der Editor enthält ungespeicherte Änderungen an %1. Das Wiederherstellen von Version %2 verwirft sie. Trotzdem wiederherstellen?</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 has changes that are not committed. Restoring version %2 discards them. Restore anyway?</source>
        <translation>%1 enthält nicht committete Änderungen. Das Wiederherstellen von Version %2 verwirft sie. Trotzdem wiederherstellen?</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot restore %1: %2</source>
        <translation>%1 kann nicht wiederhergestellt werden: %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the file was not written</source>
        <translation>die Datei wurde nicht geschrieben</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restored %1 to version %2 (not committed yet)</source>
        <translation>%1 auf Version %2 zurückgesetzt (noch nicht committet)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Cannot mark as deployed: %1</source>
        <translation>Markieren als bereitgestellt fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Tagged %1 as %2</source>
        <translation>%1 mit Tag %2 versehen</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Working file</source>
        <translation>Arbeitsdatei</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no such version</source>
        <translation>diese Version gibt es nicht</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Cannot compare: %1</source>
        <translation>Vergleich nicht möglich: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>select two different versions</source>
        <translation>zwei verschiedene Versionen auswählen</translation>
    </message>
</context>
<context>
    <name>osh::ui::LauncherPage</name>
    <message>
        <location filename="../ui/launcher/launcherpage.cpp" line="+93"/>
        <source>Start the workspace&apos;s stand-in services (services/standin.py) with the session</source>
        <translation>Die Ersatzdienste des Arbeitsbereichs (services/standin.py) mit der Sitzung starten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Memory, CPU and process figures are not available through openshelld.</source>
        <translation>Speicher-, CPU- und Prozesswerte sind über openshelld nicht verfügbar.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <location line="+1"/>
        <location line="+425"/>
        <location line="+1"/>
        <location line="+1"/>
        <location line="+18"/>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <location line="-439"/>
        <source>All decisions</source>
        <translation>Alle Entscheidungen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All types</source>
        <translation>Alle Typen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Follow</source>
        <translation>Mitlaufen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Stand-ins for the company services the workspace&apos;s tools reach, on loopback addresses only.</source>
        <translation>Ersatz für die Unternehmensdienste, die die Tools des Arbeitsbereichs erreichen, nur auf Loopback-Adressen.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The agent command (default: the policy&apos;s agent.command)</source>
        <translation>Befehl des Agenten (Standard: agent.command der Richtlinie)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter text</source>
        <translation>Text filtern</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>&amp;Policy:</source>
        <translation>&amp;Richtlinie:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Isolation:</source>
        <translation>&amp;Isolation:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Command:</source>
        <translation>B&amp;efehl:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Memory:</source>
        <translation>Speicher:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU:</source>
        <translation>CPU:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Processes:</source>
        <translation>Prozesse:</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>No *.policy.yaml in %1.</source>
        <translation>Keine *.policy.yaml in %1.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The policy has errors; fix them before launching:
%1</source>
        <translation>Die Richtlinie enthält Fehler; vor dem Start beheben:
%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+287"/>
        <source>The policy&apos;s isolation cannot run here: %1</source>
        <translation>Die Isolation der Richtlinie ist hier nicht verfügbar: %1</translation>
    </message>
    <message>
        <location line="-275"/>
        <source>Cannot open the audit store %1: %2</source>
        <translation>Der Audit-Speicher %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>A session is already running.</source>
        <translation>Es läuft bereits eine Sitzung.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose a valid policy first.</source>
        <translation>Zuerst eine gültige Richtlinie wählen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot launch: %1</source>
        <translation>Start nicht möglich: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Enter the agent command, or set agent.command in the policy.</source>
        <translation>Den Befehl des Agenten eingeben oder agent.command in der Richtlinie setzen.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Starting the stand-in services…</source>
        <translation>Ersatzdienste werden gestartet…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The stand-in services could not start: %1</source>
        <translation>Die Ersatzdienste konnten nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>They listen on ports 443 and 587, which only root may open here: uncheck them to run the session without them, or have an administrator start them for everybody (sudo scripts/service.sh start --for $USER).</source>
        <translation>Sie lauschen auf den Ports 443 und 587, die hier nur root öffnen darf: Die Ersatzdienste abwählen, um die Sitzung ohne sie auszuführen, oder sie von der Administration für alle starten lassen (sudo scripts/service.sh start --for $USER).</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+287"/>
        <source>The session could not start: %1</source>
        <translation>Die Sitzung konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location line="-279"/>
        <source>Session %1 running.</source>
        <translation>Sitzung %1 läuft.</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+16"/>
        <source>Stopping session %1…</source>
        <translation>Sitzung %1 wird gestoppt…</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Cannot stop session %1: %2</source>
        <translation>Sitzung %1 kann nicht gestoppt werden: %2</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Session %1 ended: %2, exit status %3.</source>
        <translation>Sitzung %1 beendet: %2, Exit-Status %3.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (no limit)</source>
        <translation>%1 (kein Limit)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read from the sandbox&apos;s cgroup osh-sbx-%1; n/a when it cannot be read.</source>
        <translation>Aus der cgroup osh-sbx-%1 der Sandbox gelesen; k. A., wenn sie nicht lesbar ist.</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>openshelld cannot run this isolation mode</source>
        <translation>openshelld kann diesen Isolationsmodus nicht ausführen</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>No openshelld is reachable at %1: %2
%3</source>
        <translation>Unter %1 ist kein openshelld erreichbar: %2
%3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sessions run in openshelld at %1, as your user.</source>
        <translation>Sitzungen laufen in openshelld unter %1, als Ihr Benutzer.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sessions run in the studio&apos;s own process (root).</source>
        <translation>Sitzungen laufen im eigenen Prozess des Studios (root).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sessions run in the studio&apos;s own process (root): %1.</source>
        <translation>Sitzungen laufen im eigenen Prozess des Studios (root): %1.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No openshelld is reachable at %1 (%2), and without it sessions need the studio to run as root.
%3</source>
        <translation>Unter %1 ist kein openshelld erreichbar (%2), und ohne ihn muss das Studio für Sitzungen als root laufen.
%3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sessions cannot start: %1</source>
        <translation>Sitzungen können nicht starten: %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Starting the session in openshelld…</source>
        <translation>Die Sitzung wird in openshelld gestartet…</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Session %1 running in openshelld.</source>
        <translation>Sitzung %1 läuft in openshelld.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Lost session %1&apos;s event stream: %2. It may still run in openshelld (osctl sessions).</source>
        <translation>Der Ereignisstrom der Sitzung %1 ist verloren: %2. Sie läuft möglicherweise noch in openshelld (osctl sessions).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the stream ended</source>
        <translation>der Strom wurde beendet</translation>
    </message>
</context>
<context>
    <name>osh::ui::MainWindow</name>
    <message>
        <location filename="../ui/shell/mainwindow.cpp" line="+55"/>
        <location line="+158"/>
        <source>Approvals</source>
        <translation>Freigaben</translation>
    </message>
    <message>
        <location line="-153"/>
        <source>OpenShell Studio</source>
        <translation>OpenShell Studio</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulator</source>
        <translation>Simulator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tests</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Launcher</source>
        <translation>Ausführung</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Replay</source>
        <translation>Wiedergabe</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Policies</source>
        <translation>Richtlinien</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Commit…</source>
        <translation>&amp;Committen…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to Policy or Rule…</source>
        <translation>Zu Richtlinie oder Regel springen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Visual editor</source>
        <translation>Visueller Editor</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Approvals (%1 pending)</source>
        <translation>Freigaben (%1 ausstehend)</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>openshelld at %1 does not answer</source>
        <translation>openshelld unter %1 antwortet nicht</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>openshelld at %1 does not answer: %2</source>
        <translation>openshelld unter %1 antwortet nicht: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The replay cache %1 cannot be opened.</source>
        <translation>Der Wiedergabe-Cache %1 kann nicht geöffnet werden.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Audit store %1 cannot be opened: %2</source>
        <translation>Der Audit-Speicher %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Workspace %1 does not exist</source>
        <translation>Arbeitsbereich %1 existiert nicht</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../ui/shell/mainwindowshell.cpp" line="+210"/>
        <source>opening the workspace %1</source>
        <translation>der Arbeitsbereich %1 geöffnet wird</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1[*] — OpenShell Studio</source>
        <translation>%1[*] — OpenShell Studio</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No *.policy.yaml files in %1</source>
        <translation>Keine *.policy.yaml-Dateien in %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+37"/>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <location line="-37"/>
        <source>%1 has unsaved changes.</source>
        <translation>%1 hat ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save them before %1?</source>
        <translation>Speichern, bevor %1?</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Unsaved edits could not be kept aside for recovery: %1</source>
        <translation>Ungespeicherte Änderungen konnten nicht zur Wiederherstellung gesichert werden: %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Recover unsaved edits</source>
        <translation>Ungespeicherte Änderungen wiederherstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 has unsaved edits from %2, kept when the studio did not close normally. Restore them?</source>
        <translation>%1 hat ungespeicherte Änderungen vom %2, gesichert, als das Studio nicht normal beendet wurde. Wiederherstellen?</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Unsaved edits of %1 from %2 restored: save them to keep them.</source>
        <translation>Ungespeicherte Änderungen an %1 vom %2 wiederhergestellt: Speichern, um sie zu behalten.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>opening %1</source>
        <translation>%1 geöffnet wird</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>No policy file is open: there is nothing to save.</source>
        <translation>Keine Richtliniendatei ist geöffnet: Es gibt nichts zu speichern.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot save %1: %2</source>
        <translation>%1 kann nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Saving %1 failed: %2</source>
        <translation>Speichern von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The workspace could not be made a git repository: %1</source>
        <translation>Der Arbeitsbereich konnte nicht als Git-Repository eingerichtet werden: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n Fehler</numerusform>
            <numerusform>%n Fehler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n Warnung</numerusform>
            <numerusform>%n Warnungen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 at %2 (read-only)</source>
        <translation>%1 in Version %2 (schreibgeschützt)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>version %1 of %2 cannot be read (%3); showing the working file</source>
        <translation>Version %1 von %2 kann nicht gelesen werden (%3); die Arbeitsdatei wird angezeigt</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The policy was not found in %1; it may have been renamed or removed.</source>
        <translation>Die Richtlinie wurde in %1 nicht gefunden; sie wurde eventuell umbenannt oder entfernt.</translation>
    </message>
    <message>
        <location filename="../ui/shell/mainwindowshell.cpp" line="-141"/>
        <source>&amp;Open Workspace…</source>
        <translation>Arbeitsbereich ö&amp;ffnen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open Workspace</source>
        <translation>Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open &amp;File…</source>
        <translation>&amp;Datei öffnen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open Policy</source>
        <translation>Richtlinie öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Policies (*.policy.yaml);;YAML files (*.yaml *.yml)</source>
        <translation>Richtlinien (*.policy.yaml);;YAML-Dateien (*.yaml *.yml)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Re&amp;load Workspace</source>
        <translation>Arbeitsbereich &amp;neu laden</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>&amp;Theme</source>
        <translation>&amp;Design</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Follow the &amp;System</source>
        <translation>&amp;System folgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;System Language</source>
        <translation>&amp;Systemsprache</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The new language applies when OpenShell Studio starts again.</source>
        <translation>Die neue Sprache gilt nach einem Neustart von OpenShell Studio.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Panels</source>
        <translation>&amp;Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About OpenShell Studio</source>
        <translation>Ü&amp;ber OpenShell Studio</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>No Recent Workspaces</source>
        <translation>Keine zuletzt geöffneten Arbeitsbereiche</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Clear List</source>
        <translation>Liste &amp;leeren</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>%1 is not a file</source>
        <translation>%1 ist keine Datei</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>The demo workspace was not found. Open a folder with File › Open Workspace…</source>
        <translation>Der Demo-Arbeitsbereich wurde nicht gefunden. Einen Ordner über Datei › Arbeitsbereich öffnen… wählen.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>quitting</source>
        <translation>das Programm beendet wird</translation>
    </message>
</context>
<context>
    <name>osh::ui::MessageBar</name>
    <message>
        <location filename="../ui/shell/messagebar.cpp" line="+33"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>osh::ui::Notifier</name>
    <message>
        <location filename="../ui/approvals/notifier.cpp" line="+17"/>
        <source>OpenShell Studio</source>
        <translation>OpenShell Studio</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Action #%1 waits for approval</source>
        <translation>Aktion #%1 wartet auf Freigabe</translation>
    </message>
</context>
<context>
    <name>osh::ui::PolicyEditor</name>
    <message>
        <location filename="../ui/editor/policyeditor.cpp" line="+193"/>
        <source>Suggestion: %1 (Ctrl+. to apply)</source>
        <translation>Vorschlag: %1 (Strg+. zum Anwenden)</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Apply fix: %1</source>
        <translation>Korrektur anwenden: %1</translation>
    </message>
</context>
<context>
    <name>osh::ui::PolicyLexer</name>
    <message>
        <location filename="../ui/lexer/policylexer.cpp" line="+70"/>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Comment</source>
        <translation>Kommentar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plain scalar</source>
        <translation>Einfacher Skalar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quoted string or block text</source>
        <translation>String in Anführungszeichen oder Blocktext</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>Zahl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Boolean or null</source>
        <translation>Boolescher Wert oder null</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Anchor or alias</source>
        <translation>Anker oder Alias</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tag</source>
        <translation>Tag</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Document marker or directive</source>
        <translation>Dokumentmarkierung oder Direktive</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Block scalar indicator</source>
        <translation>Blockskalar-Indikator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Punctuation</source>
        <translation>Satzzeichen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition</source>
        <translation>Bedingung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition keyword</source>
        <translation>Bedingung: Schlüsselwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition constant</source>
        <translation>Bedingung: Konstante</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition operator</source>
        <translation>Bedingung: Operator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition variable</source>
        <translation>Bedingung: Variable</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition function</source>
        <translation>Bedingung: Funktion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition string</source>
        <translation>Bedingung: String</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition number</source>
        <translation>Bedingung: Zahl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condition error</source>
        <translation>Bedingung: Fehler</translation>
    </message>
</context>
<context>
    <name>osh::ui::PolicyTestsPage</name>
    <message>
        <location filename="../ui/policytests/policytestspage.cpp" line="+27"/>
        <source>Run tests</source>
        <translation>Tests ausführen</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Select a case to see its expectation, decision and trace</source>
        <translation>Einen Fall auswählen, um Erwartung, Entscheidung und Trace zu sehen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not exercised by any case</source>
        <translation>Von keinem Fall abgedeckt</translation>
    </message>
    <message>
        <location line="+60"/>
        <source> — out of date: the files changed, running again…</source>
        <translation> — veraltet: Die Dateien haben sich geändert, die Tests laufen erneut…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> — for the saved files: the editor&apos;s unsaved changes are not tested</source>
        <translation> — für die gespeicherten Dateien: Ungespeicherte Änderungen im Editor werden nicht getestet</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Open a workspace folder to run its policy tests.</source>
        <translation>Einen Arbeitsbereich-Ordner öffnen, um seine Richtlinientests auszuführen.</translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%1 could not run (%n problem(s))</source>
        <translation>
            <numerusform>%1 konnte nicht ausgeführt werden (%n Problem)</numerusform>
            <numerusform>%1 konnte nicht ausgeführt werden (%n Probleme)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 passed, %2 failed, %3 file error(s)</source>
        <translation>%1 bestanden, %2 fehlgeschlagen, %3 Dateifehler</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: policy &apos;%2&apos; never evaluated</source>
        <translation>%1: Richtlinie &apos;%2&apos; wurde nie ausgewertet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: policy &apos;%2&apos; never matched</source>
        <translation>%1: Richtlinie &apos;%2&apos; hat nie zugetroffen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: network rule %2 never decided a case</source>
        <translation>%1: Netzwerkregel %2 hat nie einen Fall entschieden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: filesystem rule %2 never decided a case</source>
        <translation>%1: Dateisystemregel %2 hat nie einen Fall entschieden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: every policy and rule is exercised</source>
        <translation>%1: Jede Richtlinie und Regel wird abgedeckt</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 could not run:
</source>
        <translation>%1 konnte nicht ausgeführt werden:
</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Passed.
</source>
        <translation>Bestanden.
</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expected: %1
actual:   %2

request: %3

decision:
%4</source>
        <translation>erwartet:    %1
tatsächlich: %2

Anfrage: %3

Entscheidung:
%4</translation>
    </message>
</context>
<context>
    <name>osh::ui::PreferencesDialog</name>
    <message>
        <location filename="../ui/shell/preferencesdialog.cpp" line="+21"/>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Follow the system</source>
        <translation>System folgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Theme:</source>
        <translation>&amp;Design:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A new language applies when the studio starts again.</source>
        <translation>Eine neue Sprache gilt nach einem Neustart des Studios.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Policy history (git)</source>
        <translation>Richtlinienverlauf (Git)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Author &amp;name:</source>
        <translation>Autor&amp;name:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Author &amp;email:</source>
        <translation>Autor-&amp;E-Mail:</translation>
    </message>
</context>
<context>
    <name>osh::ui::ProblemsModel</name>
    <message>
        <location filename="../ui/editor/problemsmodel.cpp" line="+26"/>
        <source>%1:%2  [%3] %4</source>
        <translation>%1:%2  [%3] %4</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1
Suggestion: %2</source>
        <translation>%1
Vorschlag: %2</translation>
    </message>
</context>
<context>
    <name>osh::ui::ReplayModel</name>
    <message>
        <location filename="../ui/replay/replaymodel.cpp" line="+93"/>
        <source>Approximate: no request was recorded with this action, so what-if rebuilt it from its recorded parameters.</source>
        <translation>Näherung: zu dieser Aktion wurde keine Anfrage aufgezeichnet, daher hat Was-wäre-wenn sie aus den aufgezeichneten Parametern nachgebaut.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Approximate: no request was recorded with this action, so what-if rebuilt it from its recorded parameters, their redacted values replaced by stand-ins of the same type; conditions on those values may decide differently.</source>
        <translation>Näherung: zu dieser Aktion wurde keine Anfrage aufgezeichnet, daher hat Was-wäre-wenn sie aus den aufgezeichneten Parametern nachgebaut, die geschwärzten Werte durch Platzhalter gleichen Typs ersetzt; Bedingungen auf diesen Werten können anders entscheiden.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Approximate: an inspected HTTP request, of which the audit keeps the text redacted, the credentials hidden and only the first 16 KiB of the body.</source>
        <translation>Näherung: eine geprüfte HTTP-Anfrage, von der das Audit den Text geschwärzt, die Zugangsdaten verborgen und nur die ersten 16 KiB des Inhalts behält.</translation>
    </message>
    <message>
        <location line="+112"/>
        <source>Seq</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time (UTC)</source>
        <translation>Zeit (UTC)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lane</source>
        <translation>Spur</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tool</source>
        <translation>Tool</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>osh::ui::ReplayPage</name>
    <message>
        <location filename="../ui/replay/replaypage.cpp" line="+61"/>
        <source>Violations only</source>
        <translation>Nur Verstöße</translation>
    </message>
    <message>
        <location line="+13"/>
        <location filename="../ui/replay/replaypagewhatif.cpp" line="+282"/>
        <source>What if…</source>
        <translation>Was wäre wenn…</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Session:</source>
        <translation>Sitzung:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import…</source>
        <translation>Importieren…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A session recorded elsewhere: JSON lines in the osctl eval request format, decided by the policy in the editor.</source>
        <translation>Eine anderswo aufgezeichnete Sitzung: JSON Lines im Anfrageformat von osctl eval, entschieden durch die Richtlinie im Editor.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import a session</source>
        <translation>Sitzung importieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSON lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>First</source>
        <translation>Anfang</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>First event (Home)</source>
        <translation>Erstes Ereignis (Pos1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous violation</source>
        <translation>Vorheriger Verstoß</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Previous violation (Ctrl+Left)</source>
        <translation>Vorheriger Verstoß (Strg+Links)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Previous event (Left)</source>
        <translation>Vorheriges Ereignis (Links)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play or pause (Space)</source>
        <translation>Abspielen oder anhalten (Leertaste)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next event (Right)</source>
        <translation>Nächstes Ereignis (Rechts)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next violation</source>
        <translation>Nächster Verstoß</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next violation (Ctrl+Right)</source>
        <translation>Nächster Verstoß (Strg+Rechts)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last</source>
        <translation>Ende</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last event (End)</source>
        <translation>Letztes Ereignis (Ende)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Playback speed</source>
        <translation>Wiedergabegeschwindigkeit</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show all</source>
        <translation>Alles zeigen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Against the editor&apos;s text</source>
        <translation>Gegen den Text im Editor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Against a policy file…</source>
        <translation>Gegen eine Richtliniendatei…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Against a git revision…</source>
        <translation>Gegen eine Git-Revision…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear what-if</source>
        <translation>Was-wäre-wenn zurücksetzen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export selection…</source>
        <translation>Auswahl exportieren…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The current event, or the shift-selected range, as JSON lines</source>
        <translation>Das aktuelle Ereignis oder den mit Umschalt gewählten Bereich als JSON Lines</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Filter:</source>
        <translation>Filter:</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+415"/>
        <source>Any tool</source>
        <translation>Alle Tools</translation>
    </message>
    <message>
        <location line="-413"/>
        <source>Any outcome</source>
        <translation>Alle Ergebnisse</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no decision</source>
        <translation>keine Entscheidung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any severity</source>
        <translation>Alle Schweregrade</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>info and above</source>
        <translation>Info und höher</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>warning and above</source>
        <translation>Warnung und höher</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Text in tool, policy, message or parameters</source>
        <translation>Text in Tool, Richtlinie, Meldung oder Parametern</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Decision trace</source>
        <translation>Entscheidungs-Trace</translation>
    </message>
    <message>
        <location line="+10"/>
        <location filename="../ui/replay/replaypagewhatif.cpp" line="-169"/>
        <source>What-if: replay this session against another policy to see which decisions would change.</source>
        <translation>Was-wäre-wenn: Diese Sitzung gegen eine andere Richtlinie wiedergeben, um zu sehen, welche Entscheidungen sich ändern würden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Policy before → after</source>
        <translation>Richtlinie vorher → nachher</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What-if</source>
        <translation>Was-wäre-wenn</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Chain not checked here</source>
        <translation>Kette hier nicht geprüft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The events were fetched from the service and cached here; check them where they are stored: osctl audit verify --session %1 on the service&apos;s host.</source>
        <translation>Die Ereignisse wurden vom Dienst geholt und hier zwischengespeichert; prüfen Sie sie dort, wo sie gespeichert sind: osctl audit verify --session %1 auf dem Host des Dienstes.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Checking the chain…</source>
        <translation>Kette wird geprüft…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Chain not checked</source>
        <translation>Kette nicht geprüft</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n earlier event(s) were recorded before the store had chains and cannot be checked.</source>
        <translation>
            <numerusform>%n früheres Ereignis wurde aufgezeichnet, bevor der Speicher Ketten hatte, und kann nicht geprüft werden.</numerusform>
            <numerusform>%n frühere Ereignisse wurden aufgezeichnet, bevor der Speicher Ketten hatte, und können nicht geprüft werden.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>✘ Chain broken at seq %1</source>
        <translation>✘ Kette bei Seq %1 gebrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event %1: %2. The stored session was changed after it was recorded.</source>
        <translation>Ereignis %1: %2. Die gespeicherte Sitzung wurde nach der Aufzeichnung verändert.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>✔ Chain intact, not signed</source>
        <translation>✔ Kette intakt, nicht signiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every event matches the session&apos;s hash chain, but no signed checkpoint vouches for it: whoever can write the store could have rewritten the session whole. Sessions the service records are signed.</source>
        <translation>Jedes Ereignis passt zur Hash-Kette der Sitzung, aber kein signierter Prüfpunkt bürgt dafür: Wer den Speicher schreiben kann, hätte die ganze Sitzung neu schreiben können. Sitzungen, die der Dienst aufzeichnet, sind signiert.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>✔ Chain intact, signed to seq %1</source>
        <translation>✔ Kette intakt, signiert bis Seq %1</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Every event matches the hash chain; checkpoints signed by key %1… vouch for it up to seq %2. %n later event(s) are not signed yet.</source>
        <translation>
            <numerusform>Jedes Ereignis passt zur Hash-Kette; mit Schlüssel %1… signierte Prüfpunkte bürgen dafür bis Seq %2. %n späteres Ereignis ist noch nicht signiert.</numerusform>
            <numerusform>Jedes Ereignis passt zur Hash-Kette; mit Schlüssel %1… signierte Prüfpunkte bürgen dafür bis Seq %2. %n spätere Ereignisse sind noch nicht signiert.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>✔ Chain verified</source>
        <translation>✔ Kette verifiziert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every event matches the hash chain, and a checkpoint signed by key %1… vouches for its last event (seq %2). To require the service&apos;s key: osctl audit verify --key.</source>
        <translation>Jedes Ereignis passt zur Hash-Kette, und ein mit Schlüssel %1… signierter Prüfpunkt bürgt für ihr letztes Ereignis (Seq %2). Um den Schlüssel des Dienstes zu verlangen: osctl audit verify --key.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Cannot open the replay cache %1: %2</source>
        <translation>Der Wiedergabe-Cache %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/replay/replaypagelist.cpp" line="+42"/>
        <source>Cannot list the sessions of openshelld at %1: %2</source>
        <translation>Die Sitzungen von openshelld unter %1 können nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Cannot list the sessions: %1</source>
        <translation>Die Sitzungen können nicht aufgelistet werden: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+34"/>
        <source>%1 — %2, %n event(s), %3 blocked, escalated, redacted or throttled</source>
        <translation>
            <numerusform>%1 — %2, %n Ereignis, %3 blockiert, eskaliert, geschwärzt oder gedrosselt</numerusform>
            <numerusform>%1 — %2, %n Ereignisse, %3 blockiert, eskaliert, geschwärzt oder gedrosselt</numerusform>
        </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No session is recorded yet: run one from the Launcher (or osctl run, osctl demo), or import one.</source>
        <translation>Noch keine Sitzung aufgezeichnet: eine auf der Seite Ausführung starten (oder mit osctl run, osctl demo) oder eine importieren.</translation>
    </message>
    <message>
        <location filename="../ui/replay/replaypage.cpp" line="+26"/>
        <source>Fetching session %1 from openshelld…</source>
        <translation>Sitzung %1 wird von openshelld geholt…</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Cannot fetch session %1 from openshelld: %2</source>
        <translation>Sitzung %1 kann nicht von openshelld geholt werden: %2</translation>
    </message>
    <message>
        <location line="+10"/>
        <location filename="../ui/replay/replaypagewhatif.cpp" line="+96"/>
        <source>No audit store is open.</source>
        <translation>Kein Audit-Speicher geöffnet.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot open session %1: %2</source>
        <translation>Sitzung %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Session %1 has no events.</source>
        <translation>Sitzung %1 enthält keine Ereignisse.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Filtering failed: %1</source>
        <translation>Filtern fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/replay/replaypagedetails.cpp" line="+43"/>
        <source>Event #%1 cannot be read: %2</source>
        <translation>Ereignis #%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>#%1 · %2 · %3</source>
        <translation>#%1 · %2 · %3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>decision: %1</source>
        <translation>Entscheidung: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What-if: %1 → %2</source>
        <translation>Was-wäre-wenn: %1 → %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No deciding policy.</source>
        <translation>Keine entscheidende Richtlinie.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Deciding policy: &lt;a href=&quot;policy&quot;&gt;%1&lt;/a&gt; (%2)</source>
        <translation>Entscheidende Richtlinie: &lt;a href=&quot;policy&quot;&gt;%1&lt;/a&gt; (%2)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This event was not decided: it has no trace.</source>
        <translation>Über dieses Ereignis wurde nicht entschieden: es hat keinen Ablauf.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No trace was recorded for this decision.</source>
        <translation>Für diese Entscheidung wurde kein Ablauf aufgezeichnet.</translation>
    </message>
    <message>
        <location line="+28"/>
        <location line="+44"/>
        <location line="+20"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="-55"/>
        <source>policy %1 is not in that version of %2</source>
        <translation>Richtlinie %1 ist in dieser Version von %2 nicht enthalten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the session ran %1 with uncommitted changes; the line is from commit %2</source>
        <translation>die Sitzung lief mit nicht committeten Änderungen an %1; die Zeile stammt aus Commit %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Nothing is selected.</source>
        <translation>Nichts ausgewählt.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Select an event (shift-click for a range) to export.</source>
        <translation>Ein Ereignis zum Exportieren auswählen (Umschalt+Klick für einen Bereich).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export events</source>
        <translation>Ereignisse exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON Lines (*.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Exported %n event(s) to %1.</source>
        <translation>
            <numerusform>%n Ereignis nach %1 exportiert.</numerusform>
            <numerusform>%n Ereignisse nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/replay/replaypagewhatif.cpp" line="-170"/>
        <source>Open a session first.</source>
        <translation>Zuerst eine Sitzung öffnen.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Replaying %1 against %2…</source>
        <translation>%1 wird gegen %2 wiedergegeben…</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>What-if failed: %1</source>
        <translation>Was-wäre-wenn fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+32"/>
        <source>%n action(s) were replayed approximately: marked ≈ in the table, why in their details.</source>
        <translation>
            <numerusform>%n Aktion wurde näherungsweise nachgespielt: in der Tabelle mit ≈ markiert, der Grund steht in ihren Details.</numerusform>
            <numerusform>%n Aktionen wurden näherungsweise nachgespielt: in der Tabelle mit ≈ markiert, der Grund steht in ihren Details.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n action(s) could not be replayed.</source>
        <translation>
            <numerusform>%n Aktion konnte nicht wiedergegeben werden.</numerusform>
            <numerusform>%n Aktionen konnten nicht wiedergegeben werden.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>#%1 ≈</source>
        <translation>#%1 ≈</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>No editor text is available; choose a policy file.</source>
        <translation>Kein Editortext verfügbar; eine Richtliniendatei wählen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>editor</source>
        <translation>Editor</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Policy to replay against</source>
        <translation>Richtlinie für die Wiedergabe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Policies (*.policy.yaml *.yaml);;All files (*)</source>
        <translation>Richtlinien (*.policy.yaml *.yaml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The policy in the editor cannot decide the imported actions: %1</source>
        <translation>Die Richtlinie im Editor kann die importierten Aktionen nicht entscheiden: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>… and %n more bad line(s)</source>
        <translation>
            <numerusform>… und %n weitere fehlerhafte Zeile</numerusform>
            <numerusform>… und %n weitere fehlerhafte Zeilen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing was imported:
%1</source>
        <translation>Es wurde nichts importiert:
%1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>No policy file to read a revision of: open the policy in the editor.</source>
        <translation>Keine Richtliniendatei, deren Revision gelesen werden könnte: Die Richtlinie im Editor öffnen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is in no git repository: %2</source>
        <translation>%1 liegt in keinem Git-Repository: %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot read %1 at %2: %3</source>
        <translation>%1 in Revision %2 kann nicht gelesen werden: %3</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Revision of %1 (a commit, HEAD~1, a tag, or DEPLOYED for the deployed version):</source>
        <translation>Revision von %1 (ein Commit, HEAD~1, ein Tag oder DEPLOYED für die bereitgestellte Version):</translation>
    </message>
</context>
<context>
    <name>osh::ui::RequestForm</name>
    <message>
        <location filename="../ui/simulator/requestform.cpp" line="+60"/>
        <source>Edit as JSON</source>
        <translation>Als JSON bearbeiten</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Trigger</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Arguments as a JSON object, e.g. {&quot;to&quot;: &quot;a@b.com&quot;}</source>
        <translation>Argumente als JSON-Objekt, z. B. {&quot;to&quot;: &quot;a@b.com&quot;}</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+12"/>
        <source>Tool</source>
        <translation>Tool</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Arguments (JSON)</source>
        <translation>Argumente (JSON)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the tool that produced it (optional)</source>
        <translation>das erzeugende Tool (optional)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Response</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>e.g. api.example.com</source>
        <translation>z. B. api.example.com</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>resolved address (optional)</source>
        <translation>aufgelöste Adresse (optional)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>requesting tool (empty: agent)</source>
        <translation>anfragendes Tool (leer: Agent)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tool identity</source>
        <translation>Tool-Identität</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bytes sent</source>
        <translation>Gesendete Bytes</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Empty: the connection as a whole (request.* variables are null)</source>
        <translation>Leer: die Verbindung als Ganzes (request.*-Variablen sind null)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>path and query, e.g. /v1/pay?amount=12</source>
        <translation>Pfad und Query, z. B. /v1/pay?amount=12</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>one header per line: Name: value</source>
        <translation>ein Header pro Zeile: Name: Wert</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HTTP method</source>
        <translation>HTTP-Methode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path and query</source>
        <translation>Pfad und Query</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Headers</source>
        <translation>Header</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Body</source>
        <translation>Body</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>e.g. /agent/workspace/notes.txt</source>
        <translation>z. B. /agent/workspace/notes.txt</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>symlink target (optional)</source>
        <translation>Symlink-Ziel (optional)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operation</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size (bytes)</source>
        <translation>Größe (Bytes)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <location line="+12"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Total cost</source>
        <translation>Gesamtkosten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tool calls</source>
        <translation>Tool-Aufrufe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Elapsed</source>
        <translation>Verstrichene Zeit</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>The request JSON is invalid at offset %1: %2</source>
        <translation>Das Anfrage-JSON ist an Offset %1 ungültig: %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The request JSON must be an object.</source>
        <translation>Das Anfrage-JSON muss ein Objekt sein.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The path must start with &apos;/&apos;.</source>
        <translation>Der Pfad muss mit &apos;/&apos; beginnen.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Header line &apos;%1&apos; is not &apos;Name: value&apos;.</source>
        <translation>Die Header-Zeile &apos;%1&apos; hat nicht die Form &apos;Name: Wert&apos;.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The tool arguments must be a JSON object.</source>
        <translation>Die Tool-Argumente müssen ein JSON-Objekt sein.</translation>
    </message>
</context>
<context>
    <name>osh::ui::SemanticDiffModel</name>
    <message>
        <location filename="../ui/history/semanticdiffview.cpp" line="+45"/>
        <source>No changes.</source>
        <translation>Keine Änderungen.</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%n newly allowed</source>
        <translation>
            <numerusform>%n neu erlaubt</numerusform>
            <numerusform>%n neu erlaubt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n newly blocked</source>
        <translation>
            <numerusform>%n neu blockiert</numerusform>
            <numerusform>%n neu blockiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n looser</source>
        <translation>
            <numerusform>%n lockerer</numerusform>
            <numerusform>%n lockerer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n stricter</source>
        <translation>
            <numerusform>%n strenger</numerusform>
            <numerusform>%n strenger</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n changed</source>
        <translation>
            <numerusform>%n geändert</numerusform>
            <numerusform>%n geändert</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>newly allowed</source>
        <translation>neu erlaubt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>newly blocked</source>
        <translation>neu blockiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>looser</source>
        <translation>lockerer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stricter</source>
        <translation>strenger</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no effect</source>
        <translation>keine Wirkung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>depends</source>
        <translation>kontextabhängig</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Document</source>
        <translation>Dokument</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sandbox</source>
        <translation>Sandbox</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filesystem</source>
        <translation>Dateisystem</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tools</source>
        <translation>Tools</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PII</source>
        <translation>PII</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Policies</source>
        <translation>Richtlinien</translation>
    </message>
    <message numerus="yes">
        <location line="+57"/>
        <source>%1 (%n change(s))</source>
        <translation>
            <numerusform>%1 (%n Änderung)</numerusform>
            <numerusform>%1 (%n Änderungen)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>before: %1
after: %2</source>
        <translation>vorher: %1
nachher: %2</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Effect</source>
        <translation>Wirkung</translation>
    </message>
</context>
<context>
    <name>osh::ui::SemanticDiffView</name>
    <message>
        <location line="+39"/>
        <source>The semantic diff needs both versions to load without errors:</source>
        <translation>Der semantische Vergleich setzt voraus, dass beide Versionen fehlerfrei laden:</translation>
    </message>
</context>
<context>
    <name>osh::ui::SequenceModel</name>
    <message>
        <location filename="../ui/visual/sequencemodel.cpp" line="+152"/>
        <source>Not written: the default (%1) applies</source>
        <translation>Nicht angegeben: Der Standardwert (%1) gilt</translation>
    </message>
</context>
<context>
    <name>osh::ui::SideBySideDiff</name>
    <message>
        <location filename="../ui/history/sidebysidediff.cpp" line="+138"/>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>The line diff failed: %1</source>
        <translation>Der Zeilenvergleich ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The two versions are identical.</source>
        <translation>Die beiden Versionen sind identisch.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n change(s); F7 and Shift+F7 go to the next and previous one.</source>
        <translation>
            <numerusform>%n Änderung; F7 und Umschalt+F7 springen zur nächsten und vorherigen.</numerusform>
            <numerusform>%n Änderungen; F7 und Umschalt+F7 springen zur nächsten und vorherigen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>osh::ui::SimulatorPage</name>
    <message>
        <location filename="../ui/simulator/simulatorpage.cpp" line="+48"/>
        <source>Decide</source>
        <translation>Entscheiden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decide the request against the current policy (Ctrl+Return)</source>
        <translation>Die Anfrage gegen die aktuelle Richtlinie entscheiden (Strg+Eingabe)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Redacted output appears here for redact decisions</source>
        <translation>Bei redact-Entscheidungen erscheint hier die geschwärzte Ausgabe</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A file in the workspace&apos;s tests/ folder; created when missing</source>
        <translation>Eine Datei im Ordner tests/ des Arbeitsbereichs; wird bei Bedarf angelegt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>case name</source>
        <translation>Name des Falls</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save as test case</source>
        <translation>Als Testfall speichern</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Test case</source>
        <translation>Testfall</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trace</source>
        <translation>Trace</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No valid policy yet: the simulator decides against the editor&apos;s document once it validates.</source>
        <translation>Noch keine gültige Richtlinie: Der Simulator entscheidet gegen das Dokument im Editor, sobald es gültig ist.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>No valid policy: fix the editor&apos;s errors to simulate.</source>
        <translation>Keine gültige Richtlinie: Zum Simulieren die Fehler im Editor beheben.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No valid policy to decide against.</source>
        <translation>Keine gültige Richtlinie, gegen die entschieden werden kann.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Invalid request: %1</source>
        <translation>Ungültige Anfrage: %1</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+1"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layer: %1    Policy: %2</source>
        <translation>Ebene: %1    Richtlinie: %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(no message)</source>
        <translation>(keine Meldung)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open a workspace (or a policy file) before saving test cases.</source>
        <translation>Vor dem Speichern von Testfällen einen Arbeitsbereich (oder eine Richtliniendatei) öffnen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose a test file name such as &apos;simulator.yaml&apos; (no folders).</source>
        <translation>Einen Testdateinamen wie &apos;simulator.yaml&apos; wählen (ohne Ordner).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Give the test case a name.</source>
        <translation>Dem Testfall einen Namen geben.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not save the test case: %1</source>
        <translation>Der Testfall konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saved test case &apos;%1&apos; to tests/%2.</source>
        <translation>Testfall &apos;%1&apos; in tests/%2 gespeichert.</translation>
    </message>
</context>
<context>
    <name>osh::ui::StudioRuntime</name>
    <message>
        <location filename="../ui/service/serviceclient.cpp" line="-182"/>
        <source>OPENSHELL_ENDPOINT=local runs sessions in the studio&apos;s own process, which needs root.</source>
        <translation>OPENSHELL_ENDPOINT=local führt Sitzungen im eigenen Prozess des Studios aus, was root erfordert.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>OPENSHELL_ENDPOINT: %1</source>
        <translation>OPENSHELL_ENDPOINT: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>no openshelld at %1</source>
        <translation>kein openshelld unter %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 does not exist</source>
        <translation>%1 existiert nicht</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>openshelld at %1</source>
        <translation>openshelld unter %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>in-process (root)</source>
        <translation>im Prozess (root)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no openshelld: sessions cannot start</source>
        <translation>kein openshelld: Sitzungen können nicht starten</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Start one with: sudo scripts/service.sh start --for $USER (or, when it is installed: sudo systemctl start openshelld), then restart the studio. Your user must be in the service&apos;s group.</source>
        <translation>Einen starten mit: sudo scripts/service.sh start --for $USER (oder, wenn er installiert ist: sudo systemctl start openshelld), dann das Studio neu starten. Ihr Benutzer muss in der Gruppe des Dienstes sein.</translation>
    </message>
</context>
<context>
    <name>osh::ui::TestResultsModel</name>
    <message>
        <location filename="../ui/policytests/testresultsmodel.cpp" line="+53"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Case</source>
        <translation>Fall</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>PASS</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>FAIL</source>
        <translation>NICHT OK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ERROR</source>
        <translation>FEHLER</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(the file could not run)</source>
        <translation>(die Datei konnte nicht ausgeführt werden)</translation>
    </message>
</context>
<context>
    <name>osh::ui::TimelineGeometry</name>
    <message>
        <location filename="../ui/replay/timelinegeometry.cpp" line="+135"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+4"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 d %2:%3</source>
        <translation>%1 d %2:%3</translation>
    </message>
</context>
<context>
    <name>osh::ui::TimelineLanes</name>
    <message>
        <location filename="../ui/replay/timelinelanes.cpp" line="+38"/>
        <source>Reasoning</source>
        <translation>Überlegungen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tool calls</source>
        <translation>Tool-Aufrufe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Policy decisions</source>
        <translation>Entscheidungen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filesystem</source>
        <translation>Dateisystem</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Outputs &amp; responses</source>
        <translation>Ausgaben/Antworten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Approvals</source>
        <translation>Freigaben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sandbox</source>
        <translation>Sandbox</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What-if changes</source>
        <translation>Was-wäre-wenn</translation>
    </message>
</context>
<context>
    <name>osh::ui::TimelineView</name>
    <message>
        <location filename="../ui/replay/timelineview.cpp" line="+616"/>
        <source>#%1 %2 %3</source>
        <translation>#%1 %2 %3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 by %2</source>
        <translation>%1 durch %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>what-if: %1 → %2</source>
        <translation>Was-wäre-wenn: %1 → %2</translation>
    </message>
</context>
<context>
    <name>osh::ui::TraceModel</name>
    <message>
        <location filename="../ui/trace/tracemodel.cpp" line="+85"/>
        <source>%1 is %2, none of their keys</source>
        <translation>%1 ist %2, keiner ihrer Schlüssel</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+55"/>
        <location line="+6"/>
        <source>%1 matches none of their keys</source>
        <translation>%1 entspricht keinem ihrer Schlüssel</translation>
    </message>
    <message>
        <location line="-100"/>
        <source>skipped by index</source>
        <translation>vom Index übersprungen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Found by %1: %2</source>
        <translation>Gefunden von %1: %2</translation>
    </message>
    <message>
        <location line="+52"/>
        <location line="+57"/>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="-55"/>
        <location line="+56"/>
        <source>fail_closed</source>
        <translation>fail_closed</translation>
    </message>
    <message>
        <location line="-56"/>
        <location line="+57"/>
        <source>true</source>
        <translation>true</translation>
    </message>
    <message>
        <location line="-57"/>
        <location line="+57"/>
        <source>false</source>
        <translation>false</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>%1 policies skipped by index (%2)</source>
        <translation>%1 Richtlinien vom Index übersprungen (%2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Their conditions need %1 to be one of their keys, so they cannot match this request and were not evaluated.</source>
        <translation>Ihre Bedingungen verlangen, dass %1 einer ihrer Schlüssel ist; sie können auf diese Anfrage nicht zutreffen und wurden nicht ausgewertet.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>policy %1</source>
        <translation>Richtlinie %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>matched</source>
        <translation>trifft zu</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not matched</source>
        <translation>trifft nicht zu</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>allow</source>
        <translation>allow</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>block</source>
        <translation>block</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (rule %1)</source>
        <translation> (Regel %1)</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>This step decided the outcome: %1.</source>
        <translation>Dieser Schritt hat das Ergebnis entschieden: %1.</translation>
    </message>
</context>
<context>
    <name>osh::ui::TraceView</name>
    <message>
        <location filename="../ui/trace/traceview.cpp" line="+51"/>
        <source>This trace cannot be read; the Event tab shows it as recorded.</source>
        <translation>Dieser Ablauf ist nicht lesbar; der Reiter Ereignis zeigt ihn wie aufgezeichnet.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Decided by policy %1 (%2)</source>
        <translation>Entschieden von Richtlinie %1 (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Decided by the %1 layer (%2)</source>
        <translation>Entschieden von der Schicht %1 (%2)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 = %2</source>
        <translation>%1 = %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>… (%n more)</source>
        <translation>
            <numerusform>… (%n weiterer)</numerusform>
            <numerusform>… (%n weitere)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Its condition read: %1</source>
        <translation>Ihre Bedingung las: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>It found: %1</source>
        <translation>Sie fand: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No step decided against it: %1.</source>
        <translation>Kein Schritt hat dagegen entschieden: %1.</translation>
    </message>
</context>
<context>
    <name>osh::ui::VisualEditor</name>
    <message>
        <location filename="../ui/visual/visualeditor.cpp" line="+65"/>
        <location line="+87"/>
        <location line="+180"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="-266"/>
        <location line="+267"/>
        <source>Trigger</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <location line="-266"/>
        <location line="+268"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location line="-267"/>
        <location line="+266"/>
        <source>Condition</source>
        <translation>Bedingung</translation>
    </message>
    <message>
        <location line="-265"/>
        <location line="+267"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <location line="-264"/>
        <source>Tool</source>
        <translation>Tool</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ports</source>
        <translation>Ports</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by protocol</source>
        <translation>je nach Protokoll</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rate limit</source>
        <translation>Ratenlimit</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+2"/>
        <location line="+2"/>
        <location line="+9"/>
        <location line="+2"/>
        <location line="+247"/>
        <location line="+1"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="-262"/>
        <source>Max request KB</source>
        <translation>Max. Anfrage KB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max response MB</source>
        <translation>Max. Antwort MB</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Permissions</source>
        <translation>Rechte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>private</source>
        <translation>privat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Extensions</source>
        <translation>Endungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max file MB</source>
        <translation>Max. Datei MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max total MB</source>
        <translation>Max. gesamt MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Block symlinks</source>
        <translation>Symlinks blockieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Variable</source>
        <translation>Variable</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+32"/>
        <source>Sandbox</source>
        <translation>Sandbox</translation>
    </message>
    <message>
        <location line="-31"/>
        <location line="+42"/>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <location line="-41"/>
        <location line="+42"/>
        <source>Filesystem</source>
        <translation>Dateisystem</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Policies</source>
        <translation>Richtlinien</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Document</source>
        <translation>Dokument</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Isolation</source>
        <translation>Isolation</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Memory (MB)</source>
        <translation>Speicher (MB)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU cores</source>
        <translation>CPU-Kerne</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time limit (s)</source>
        <translation>Zeitlimit (s)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open files</source>
        <translation>Offene Dateien</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cleanup</source>
        <translation>Bereinigung</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Environment (names like *_TOKEN are flagged: values are not secret):</source>
        <translation>Umgebung (Namen wie *_TOKEN werden markiert: Die Werte sind nicht geheim):</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Network guardian</source>
        <translation>Netzwerkwächter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unmatched egress</source>
        <translation>Ausgehender Verkehr ohne Regel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Block private ranges</source>
        <translation>Private Adressbereiche blockieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>DNS filtering</source>
        <translation>DNS-Filterung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DNS servers</source>
        <translation>DNS-Server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the host&apos;s</source>
        <translation>die des Hosts</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Egress rules (double-click a cell to edit; lists are comma-separated):</source>
        <translation>Regeln für ausgehenden Verkehr (Doppelklick auf eine Zelle zum Bearbeiten; Listen durch Kommas getrennt):</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+52"/>
        <source>Add rule</source>
        <translation>Regel hinzufügen</translation>
    </message>
    <message>
        <location line="-45"/>
        <location line="+51"/>
        <source>Remove rule</source>
        <translation>Regel entfernen</translation>
    </message>
    <message>
        <location line="-50"/>
        <source>Static host addresses (checked before DNS):</source>
        <translation>Statische Host-Adressen (vor DNS geprüft):</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Filesystem controller</source>
        <translation>Dateisystem-Controller</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Workspace</source>
        <translation>Arbeitsbereich</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Strict paths</source>
        <translation>Strikte Pfade</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Audit every operation</source>
        <translation>Jede Operation auditieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access rules (the longest matching path decides):</source>
        <translation>Zugriffsregeln (der längste passende Pfad entscheidet):</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Policies are tried in this order; the first whose condition holds decides. Drag a row to reorder.</source>
        <translation>Die erste Richtlinie, deren Bedingung zutrifft, entscheidet (von oben nach unten). Zum Umordnen Zeilen ziehen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Add policy</source>
        <translation>Richtlinie hinzufügen</translation>
    </message>
    <message>
        <location line="-46"/>
        <location line="+47"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Selected policy</source>
        <translation>Ausgewählte Richtlinie</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Log level</source>
        <translation>Log-Level</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>PII types</source>
        <translation>PII-Typen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Escalation queue</source>
        <translation>Eskalations-Warteschlange</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delay (s)</source>
        <translation>Verzögerung (s)</translation>
    </message>
    <message numerus="yes">
        <location line="+34"/>
        <source>Warning: in this order %n policy(s) can never fire. Move the narrower policy above the one that shadows it.</source>
        <translation>
            <numerusform>Warnung: in dieser Reihenfolge kann %n Richtlinie nie greifen. Verschieben Sie die engere Richtlinie über die, die sie verdeckt.</numerusform>
            <numerusform>Warnung: in dieser Reihenfolge können %n Richtlinien nie greifen. Verschieben Sie die engere Richtlinie jeweils über die, die sie verdeckt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The forms follow the text again once it can be read: %1</source>
        <translation>Die Formulare folgen wieder dem Text, sobald er lesbar ist: %1</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>The policy text cannot be changed.</source>
        <translation>Der Richtlinientext kann nicht geändert werden.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The text changed while you edited the form; the forms show it now. Please repeat the change.</source>
        <translation>Der Text hat sich geändert, während Sie das Formular bearbeitet haben; die Formulare zeigen ihn jetzt an. Bitte wiederholen Sie die Änderung.</translation>
    </message>
</context>
<context>
    <name>osh::ui::WorkspaceLocator</name>
    <message>
        <location filename="../ui/shell/workspacelocator.cpp" line="+36"/>
        <location line="+15"/>
        <source>Cannot create %1.</source>
        <translation>%1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot copy %1 to %2.</source>
        <translation>%1 kann nicht nach %2 kopiert werden.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The bundled demo workspace was not found.</source>
        <translation>Der mitgelieferte Demo-Arbeitsbereich wurde nicht gefunden.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Demo workspace as shipped</source>
        <translation>Demo-Arbeitsbereich im Auslieferungszustand</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The shipped demo policy</source>
        <translation>Die mitgelieferte Demo-Richtlinie</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot move %1 to %2.</source>
        <translation>%1 kann nicht nach %2 verschoben werden.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No copy of the demo workspace could be made (%1); the bundled demo is open and saving edits it in place.</source>
        <translation>Es konnte keine Kopie des Demo-Arbeitsbereichs angelegt werden (%1); die mitgelieferte Demo ist geöffnet, und Speichern ändert sie direkt.</translation>
    </message>
</context>
</TS>
