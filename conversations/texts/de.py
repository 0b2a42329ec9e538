"""German texts (informal "du"); exactly the keys and placeholders of the English set."""

TEXTS: dict[str, str] = {
    # consent
    "welcome_consent": (
        "Hallo! Ich bin JobScout. Ich suche Jobs, die zu dir passen, und schicke sie dir hier.\n\n"
        "Datenschutzhinweis (Version {version}): Wenn du einverstanden bist, speichere ich deine "
        "Chat-ID, deine Antworten und, falls du ihn schickst, deinen Lebenslauf (verschlüsselt). "
        "Ich nutze sie nur, um passende Jobs für dich zu finden und dir zu schicken. Mit /privacy "
        "siehst du deine Einwilligung, mit /export lädst du alles herunter und mit /delete "
        "löschst du jederzeit alles.\n\n"
        "Bist du einverstanden, dass ich dein Profil verarbeite und dir Jobnachrichten schicke?"
    ),
    "btn_consent_yes": "Ja, einverstanden",
    "btn_consent_no": "Nein, danke",
    "consent_declined": (
        "Kein Problem. Ich habe nichts über dich gespeichert. Falls du es dir anders überlegst, "
        "schick /start. Tschüss!"
    ),
    "consent_needed": "Bevor ich dir helfen kann, beantworte bitte die Datenschutzfrage unten.",
    "consent_thanks": (
        "Danke! Deine Einwilligung ist gespeichert (Datenschutzhinweis Version {version})."
    ),
    "nothing_stored": (
        "Ich habe keine Daten über dich gespeichert, also gibt es nichts anzuzeigen, zu "
        "exportieren oder zu löschen."
    ),
    # onboarding questions
    "ask_roles": (
        "Welche Jobs suchst du? Schreib einen oder mehrere Jobtitel, getrennt durch Kommas "
        "(zum Beispiel: Backend-Entwickler, Data Engineer)."
    ),
    "invalid_roles": (
        "Ich brauche mindestens einen Jobtitel (2 bis 80 Zeichen, höchstens 10 Titel, getrennt "
        "durch Kommas). Zum Beispiel: Pflegefachkraft, Pflegehelfer."
    ),
    "ask_work_mode": "Wie möchtest du arbeiten?",
    "btn_remote": "Remote",
    "btn_hybrid": "Hybrid",
    "btn_onsite": "Vor Ort",
    "btn_any": "Egal",
    "invalid_work_mode": (
        "Bitte wähle remote, hybrid, vor Ort oder egal (oder tippe auf einen Button)."
    ),
    "ask_locations": (
        "Wo sollen die Jobs sein? Schreib Länder oder Städte, getrennt durch Kommas "
        "(zum Beispiel: Berlin, München), oder tippe auf „Überall“."
    ),
    "btn_anywhere": "Überall",
    "invalid_locations": (
        "Diesen Ort habe ich nicht verstanden. Schreib bis zu 10 Länder oder Städte, getrennt "
        "durch Kommas, oder tippe auf „Überall“."
    ),
    "ask_seniority": "Welches Erfahrungslevel hast du?",
    "btn_intern": "Praktikum / Studium",
    "btn_junior": "Junior",
    "btn_mid": "Berufserfahren",
    "btn_senior": "Senior",
    "btn_lead": "Teamleitung / Manager",
    "btn_principal": "Principal / Direktor",
    "invalid_seniority": "Bitte wähle dein Level mit einem der Buttons.",
    "ask_salary": (
        "Wie viel möchtest du mindestens verdienen? Schreib einen Betrag und eine Währung, zum "
        "Beispiel 60000 EUR, 4.500 € pro Monat oder 55 $/Stunde. Du kannst das auch überspringen."
    ),
    "btn_skip": "Überspringen",
    "invalid_salary": (
        "Dieser Betrag sieht nicht richtig aus. Schreib eine Zahl und eine Währung, zum Beispiel "
        "60000 EUR oder 4500 EUR pro Monat, oder tippe auf „Überspringen“."
    ),
    "invalid_salary_currency": (
        "Welche Währung ist das? Bitte gib sie mit an, zum Beispiel 60000 EUR oder 120.000 $."
    ),
    "ask_resume": (
        "Jetzt zu deinem Lebenslauf: Schick ihn als PDF- oder DOCX-Datei (bis 10 MB), füge den "
        "Text hier ein oder tippe auf „Überspringen“."
    ),
    "resume_reading": "Danke! Ich lese deinen Lebenslauf, das dauert einen Moment.",
    "resume_wait": "Ich lese deinen Lebenslauf noch, einen Moment bitte.",
    "resume_photo": (
        "Fotos oder Bilder kann ich nicht lesen. Bitte schick deinen Lebenslauf als PDF- oder "
        "DOCX-Dokument oder füge den Text ein."
    ),
    "resume_too_large": (
        "Die Datei ist zu groß (das Limit liegt bei {limit} MB). Bitte schick eine kleinere PDF- "
        "oder DOCX-Datei oder füge den Text ein."
    ),
    "resume_not_document": (
        "Bitte schick eine PDF- oder DOCX-Datei, füge den Text ein oder tippe auf „Überspringen“."
    ),
    "resume_text_too_short": (
        "Das ist ziemlich kurz für einen Lebenslauf. Füge den ganzen Text ein, schick eine PDF- "
        "oder DOCX-Datei oder tippe auf „Überspringen“."
    ),
    "resume_failed_too_large": (
        "Die Datei ist zu groß (das Limit liegt bei {limit} MB). Bitte schick eine kleinere Datei "
        "oder füge den Text ein."
    ),
    "resume_failed_unsupported_type": (
        "Diese Datei ist kein PDF- oder DOCX-Dokument. Bitte schick eins davon oder füge den "
        "Text ein."
    ),
    "resume_failed_corrupt": (
        "Ich konnte die Datei nicht öffnen, sie scheint beschädigt zu sein. Bitte schick sie "
        "noch einmal oder füge den Text ein."
    ),
    "resume_failed_too_complex": (
        "Diese Datei ist zu komplex für mich: Entpackt ist sie viel größer, als ein Lebenslauf "
        "sein muss. Bitte schick ein einfacheres PDF oder DOCX oder füge den Text ein."
    ),
    "resume_failed_encrypted": (
        "Diese PDF ist passwortgeschützt, deshalb kann ich sie nicht lesen. Bitte schick eine "
        "Kopie ohne Passwort oder füge den Text ein."
    ),
    "resume_failed_empty": (
        "Diese Datei enthält keinen Text. Bitte schick eine andere Datei oder füge den Text ein."
    ),
    "resume_failed_scanned": (
        "Das sieht nach einem Scan aus: Die Datei enthält Bilder, aber keinen Text, den ich lesen "
        "kann. Bitte schick eine PDF mit Text oder eine DOCX-Datei oder füge den Text ein."
    ),
    "resume_failed_download": (
        "Ich konnte die Datei gerade nicht herunterladen. Bitte schick sie noch einmal oder füge "
        "den Text ein."
    ),
    "resume_summary": (
        "Das habe ich in deinem Lebenslauf gelesen:\n"
        "• Fähigkeiten: {skills}\n"
        "• Jahre Berufserfahrung: {years}\n"
        "• Letzter Jobtitel: {title}\n\n"
        "Stimmt das so?"
    ),
    "not_found": "nicht gefunden",
    "btn_resume_ok": "Passt so",
    "btn_fix_skills": "Fähigkeiten ändern",
    "btn_fix_title": "Titel ändern",
    "btn_fix_years": "Jahre ändern",
    "invalid_resume_confirm": (
        "Bitte bestätige mit „Passt so“ oder wähle aus, was ich korrigieren soll."
    ),
    "ask_skills": (
        "Schreib deine Fähigkeiten, getrennt durch Kommas (zum Beispiel: Python, SQL, Kubernetes)."
    ),
    "invalid_skills": "Bitte schreib mindestens eine Fähigkeit, mehrere getrennt durch Kommas.",
    "ask_title": "Was ist dein letzter oder aktueller Jobtitel?",
    "invalid_title": "Bitte schreib einen Jobtitel mit 2 bis 80 Zeichen.",
    "ask_years": "Wie viele Jahre Berufserfahrung hast du? Schreib eine Zahl, zum Beispiel 6.",
    "invalid_years": (
        "Bitte gib die Anzahl der Jahre als Zahl zwischen 0 und 60 an, zum Beispiel 6."
    ),
    "ask_frequency": "Wie oft soll ich dir Jobs schicken?",
    "btn_instant": "Sofort",
    "btn_daily": "Täglich gesammelt",
    "btn_weekly": "Wöchentlich gesammelt",
    "invalid_frequency": "Bitte wähle sofort, täglich oder wöchentlich.",
    "ask_timezone": (
        "In welcher Zeitzone bist du? Schreib eine Stadt oder eine Zone wie Europe/Berlin oder "
        "UTC+2."
    ),
    "invalid_timezone": (
        "Diese Zeitzone kenne ich nicht. Versuch es mit einer großen Stadt in deiner Nähe (zum "
        "Beispiel Berlin), einem Zonennamen wie America/New_York oder einer Abweichung wie UTC-5."
    ),
    "ask_quiet_hours": (
        "Wann soll ich dich nicht stören? Schreib Uhrzeiten wie 22-7 oder tippe auf einen Button."
    ),
    "btn_quiet_default": "22:00–07:00",
    "btn_no_quiet": "Keine Ruhezeiten",
    "invalid_quiet_hours": (
        "Bitte gib die Ruhezeiten als zwei volle Stunden an, zum Beispiel 22-7."
    ),
    # the first batch right after onboarding or a /prefs change
    "first_batch_found": (
        "Ich habe gerade {count} aktuelle Jobs gefunden, die zu dir passen. Hier sind die besten "
        "{shown}:"
    ),
    "first_batch_none_fit": (
        "Es gibt gerade {total} aktuelle Jobs, aber noch keiner passt zu deinen Wünschen. Ich "
        "melde mich, sobald einer passt."
    ),
    "first_batch_no_jobs": (
        "Noch keine Jobs – ein Admin muss erst Jobquellen hinzufügen. Ich melde mich, sobald "
        "passende Jobs da sind."
    ),
    "demo_job": "Demo-Job",
    "demo_note": (
        "Demo-Jobs sind erfundene Beispiele, damit du JobScout ausprobieren kannst; es sind "
        "keine echten Stellen."
    ),
    # done, menu and profile
    "done": "Alles bereit! Ich schicke dir passende Jobs. Hier ist dein Profil:\n\n{summary}",
    "profile_summary": (
        "• Gesuchte Jobs: {roles}\n• Arbeitsmodell: {modes}\n• Orte: {locations}\n"
        "• Erfahrungslevel: {seniority}\n• Mindestgehalt: {salary}\n"
        "• Anstellungsart: {employment}\n• Fähigkeiten: {skills}\n"
        "{more}• Benachrichtigungen: {frequency}\n• Zeitzone: {timezone}\n"
        "• Ruhezeiten: {quiet}\n• Status: {status}"
    ),
    # Einstellungen nur in /prefs: Sprachen, Lizenzen, Pendelradius, Stretch-Jobs
    "btn_pref_languages": "Sprachen",
    "btn_pref_licences": "Lizenzen",
    "btn_pref_commute": "Pendelradius",
    "btn_pref_stretch": "Stretch-Jobs",
    "btn_prefs_more": "Mehr…",
    "btn_prefs_back": "Zurück",
    "prefs_choose_more": "Weitere Einstellungen: Was möchtest du ändern?",
    "ask_languages": (
        "Welche Sprachen sprichst du, und wie gut? Schreib sie getrennt durch Kommas, zum "
        "Beispiel: Deutsch Muttersprache, Englisch C1, Spanisch Grundkenntnisse. Ohne Niveau "
        "notiere ich gute Kenntnisse (B1–B2)."
    ),
    "invalid_languages": (
        "Darin habe ich keine Sprache erkannt. Schreib jede Sprache, gern mit Niveau, getrennt "
        "durch Kommas, zum Beispiel: Deutsch fließend, Englisch B2."
    ),
    "btn_languages_none": "Keine Angabe",
    "ask_licences": (
        "Welche Lizenzen, Führerscheine oder Zertifikate hast du? Schreib sie getrennt durch "
        "Kommas, zum Beispiel: Führerschein B, Staplerschein, Examen Pflegefachkraft."
    ),
    "invalid_licences": (
        "Bitte schreib bis zu 20 Lizenzen oder Zertifikate mit je 2 bis 80 Zeichen, getrennt "
        "durch Kommas, zum Beispiel: Führerschein B, Staplerschein. Oder wähle Keine."
    ),
    "btn_licences_none": "Keine",
    "ask_commute": (
        "Wie weit würdest du pendeln? Schreib eine Entfernung und einen Ort, zum Beispiel: im "
        "Umkreis von 20 km um München."
    ),
    "invalid_commute": (
        "Bitte schreib eine Entfernung und einen Ort, zum Beispiel: im Umkreis von 20 km um "
        "München oder 30 km Köln."
    ),
    "invalid_commute_radius": (
        "Die Entfernung muss zwischen 1 und 500 km liegen, zum Beispiel: 20 km um München."
    ),
    "invalid_commute_place": (
        "Diesen Ort kenne ich nicht. Schreib eine Stadt oder Gemeinde, zum Beispiel: im Umkreis "
        "von 20 km um München."
    ),
    "btn_commute_none": "Kein Umkreis",
    "ask_stretch": (
        "Soll ich dir auch Jobs schicken, die dich fordern: mit einer Kernkompetenz, die du noch "
        "nicht hast? Ich kennzeichne sie als Herausforderung."
    ),
    "invalid_stretch": "Bitte antworte mit Ja oder Nein.",
    "btn_stretch_yes": "Ja, gerne",
    "btn_stretch_no": "Nein, danke",
    "label_languages": "Sprachen",
    "label_licences": "Lizenzen",
    "label_commute": "Pendeln",
    "label_stretch": "Stretch-Jobs",
    "commute_value": "im Umkreis von {radius} km um {place}",
    "stretch_on": "ja, als Herausforderung gekennzeichnet",
    "level_basic": "Grundkenntnisse",
    "level_working": "gut",
    "level_fluent": "fließend",
    "level_native": "Muttersprache",
    "resume_prefilled": (
        "Aus deinem Lebenslauf habe ich auch übernommen:\n{fields}\n"
        "Du kannst das unter „Angaben ändern“ anpassen."
    ),
    "status_active": "aktiv",
    "status_paused": "pausiert",
    "anywhere": "überall",
    "none": "keine",
    "salary_value": "{amount} {currency} pro {period}",
    "period_year": "Jahr",
    "period_month": "Monat",
    "period_hour": "Stunde",
    "quiet_value": "{start}:00–{end}:00",
    "menu": "Was möchtest du tun?",
    "btn_menu_prefs": "Angaben ändern",
    "btn_menu_resume": "Neuer Lebenslauf",
    "btn_menu_frequency": "Häufigkeit",
    "btn_menu_pause": "Pausieren",
    "btn_menu_unpause": "Fortsetzen",
    "btn_menu_language": "Sprache",
    "btn_menu_privacy": "Datenschutz",
    "btn_menu_export": "Daten exportieren",
    "btn_menu_delete": "Daten löschen",
    "prefs_choose": "Welche Antwort möchtest du ändern?\n\n{summary}",
    "btn_pref_roles": "Jobs",
    "btn_pref_work_mode": "Arbeitsmodell",
    "btn_pref_locations": "Orte",
    "btn_pref_seniority": "Erfahrung",
    "btn_pref_salary": "Mindestgehalt",
    "btn_pref_resume": "Lebenslauf",
    "btn_pref_frequency": "Häufigkeit",
    "btn_pref_timezone": "Zeitzone",
    "btn_pref_quiet_hours": "Ruhezeiten",
    "btn_pref_employment_type": "Anstellungsart",
    "saved": "Gespeichert.",
    "finish_onboarding_first": "Lass uns zuerst dein Profil fertig einrichten.",
    "welcome_back": "Schön, dass du wieder da bist!",
    "help": (
        "Ich schicke dir Jobs, die zu deinem Profil passen. Befehle:\n"
        "/menu – Hauptmenü\n/prefs – eine Antwort ändern\n/resume – Lebenslauf ersetzen\n"
        "/frequency – wie oft ich dir Jobs schicke\n"
        "/applications – deine gemerkten Jobs und Bewerbungen\n"
        "/pause und /unpause – Benachrichtigungen anhalten oder wieder starten\n"
        "/link – JobScout auch in einem anderen Chat nutzen\n/channels – wohin Jobs gehen\n"
        "/email – Jobs auch per E-Mail bekommen\n"
        "/language – Sprache ändern\n/privacy – Einwilligung ansehen oder widerrufen\n"
        "/export – alles herunterladen, was ich über dich gespeichert habe\n"
        "/delete – alle deine Daten löschen\n"
        "/cancel – die aktuelle Frage abbrechen"
    ),
    "paused": (
        "Benachrichtigungen pausiert. Schick /unpause, wann immer du sie wieder haben möchtest."
    ),
    "unpaused": "Benachrichtigungen sind wieder an.",
    "privacy_status": (
        "Datenschutzhinweis Version {version}. Deine Einwilligungen:\n{records}\n\n"
        "Du kannst deine Einwilligung zu Jobnachrichten widerrufen (dein Profil bleibt "
        "erhalten) oder alle Einwilligungen widerrufen – dann lösche ich alles, was ich über "
        "dich gespeichert habe."
    ),
    "consent_line": "• {purpose}: {state} am {at} (Version {version})",
    "purpose_profile_processing": "Verarbeitung deines Profils",
    "purpose_job_messages": "Empfang von Jobnachrichten",
    "consent_granted": "erteilt",
    "consent_withdrawn": "widerrufen",
    "btn_withdraw_messages": "Jobnachrichten stoppen",
    "btn_withdraw_all": "Alles widerrufen und löschen",
    "messages_withdrawn": (
        "Erledigt: Ich schicke dir keine Jobnachrichten mehr. Dein Profil bleibt erhalten; "
        "schick /unpause, um wieder einzuwilligen."
    ),
    "export_preparing": "Ich bereite deinen Datenexport vor...",
    "export_caption": "Alles, was JobScout über dich gespeichert hat, als JSON.",
    "confirm_delete": (
        "Damit löschst du dein Profil, deinen Lebenslauf, deine Antworten, Einwilligungen und "
        "noch nicht zugestellte Nachrichten. Das lässt sich nicht rückgängig machen. "
        "Alles löschen?"
    ),
    "btn_delete_yes": "Ja, alles löschen",
    "btn_delete_no": "Nein, Daten behalten",
    "deleted": (
        "Alle deine Daten wurden gelöscht. Tschüss! Schick /start, falls du irgendwann "
        "zurückkommen möchtest."
    ),
    "delete_cancelled": "Es wurde nichts gelöscht.",
    "cancelled": "Abgebrochen, nichts wurde geändert.",
    "onboarding_paused": (
        "Okay, wir hören hier auf. Schick /start, wann immer du weitermachen möchtest."
    ),
    "group_only_private": (
        "Hallo! JobScout funktioniert nur im privaten Chat. Schreib mir bitte direkt, um "
        "Jobbenachrichtigungen zu bekommen."
    ),
    "edited": (
        "Bearbeitete Nachrichten kann ich nicht berücksichtigen. Bitte schick deine Antwort "
        "noch einmal als neue Nachricht."
    ),
    "unsupported": (
        "Diese Art von Nachricht wird hier nicht unterstützt. Bitte tippe deine Antwort oder "
        "einen Button."
    ),
    "stale_button": "Dieser Button gehört zu einer früheren Frage.",
    "choose_language": "Wähle deine Sprache:",
    "language_set": "Sprache auf Deutsch umgestellt.",
    "reachable_again": "Willkommen zurück! Deine Benachrichtigungen sind wieder an.",
    # employment type (offered in /prefs)
    "ask_employment_type": (
        "Welche Anstellungsart suchst du? Tippe auf eine oder schreib mehrere, getrennt durch "
        "Kommas (zum Beispiel: Vollzeit, Freelance)."
    ),
    "invalid_employment_type": (
        "Bitte wähle Vollzeit, Teilzeit, Freelance, Praktikum oder egal (oder tippe auf einen "
        "Button)."
    ),
    "btn_employment_full_time": "Vollzeit",
    "btn_employment_part_time": "Teilzeit",
    "btn_employment_contract": "Freelance / Projekt",
    "btn_employment_temporary": "Befristet",
    "btn_employment_internship": "Praktikum",
    "btn_employment_apprenticeship": "Ausbildung",
    "btn_employment_volunteer": "Ehrenamt",
    "btn_employment_other": "Sonstiges",
    "employment_any": "egal",
    # matches: job cards
    "unknown_company": "Firma nicht genannt",
    "job_location_unknown": "Ort nicht angegeben",
    "more": "+{count} weitere",
    "salary_from": "ab {amount}",
    "salary_up_to": "bis {amount}",
    "per_hour": "pro Stunde",
    "per_day": "pro Tag",
    "per_week": "pro Woche",
    "per_month": "im Monat",
    "per_year": "im Jahr",
    "job_missing": "Fehlt dir: {skills}",
    "reason_salary_meets": "Gehalt erfüllt dein Minimum",
    "reason_salary_overlaps": "Obere Spanne erreicht dein Minimum",
    "reason_remote": "Remote von deinem Standort",
    "reason_city": "In deiner Stadt",
    "reason_country": "In deinem Land",
    "reason_title": "Eine deiner gesuchten Stellen",
    "reason_level": "Dein Level",
    "btn_job_apply": "Bewerben",
    "btn_job_save": "Merken",
    "btn_job_applied": "Ich habe mich beworben",
    "btn_job_why": "Warum passt das?",
    "btn_job_not_interested": "Kein Interesse",
    # matches: why this match
    "why_header": "Warum „{title}“ bei {company} zu dir passt: {score} % Übereinstimmung",
    "why_skills_have": "✓ Das bringst du mit: {skills}",
    "why_skills_missing": "✗ Verlangt, fehlt dir noch: {skills}",
    "why_nice_missing": "○ Wäre schön, fehlt dir noch: {skills}",
    "why_no_gap": "✓ Du bringst alles mit, was die Anzeige verlangt.",
    "why_no_skills": "Die Anzeige nennt keine bestimmten Fähigkeiten.",
    "why_title_yes": "• Titel: eine der Stellen, die du suchst",
    "why_title_no": "• Titel: keine deiner gesuchten Stellen, aber die Aufgaben passen",
    "why_salary_meets": "• Gehalt: {salary}, erfüllt dein Minimum",
    "why_salary_overlaps": "• Gehalt: {salary}, nur das obere Ende erreicht dein Minimum",
    "why_salary_below": "• Gehalt: {salary}, unter deinem Minimum",
    "why_salary_unknown": "• Gehalt: {salary}",
    "why_salary_none": "• Gehalt: nicht angegeben",
    "why_location_remote": "• Ort: {where}, von deinem Standort aus möglich",
    "why_location_city": "• Ort: {where}, eine deiner Städte",
    "why_location_country": "• Ort: {where}, in einem deiner Länder",
    "why_location_anywhere": "• Ort: {where}; dir ist jeder Ort recht",
    "why_location_other": "• Ort: {where}",
    # send gates (why this match: nearby, adjacent role, stretch, languages, licences)
    "reason_nearby": "In der Nähe deiner Stadt",
    "reason_stretch": "Herausforderung: neuer Kern-Stack",
    "why_location_nearby": "• Ort: {where}, {km} km von {near}",
    "why_adjacent": (
        "• Rolle: „{title}“ liegt direkt neben dem, was du suchst, und du hast {have} von "
        "{of} geforderten Kenntnissen"
    ),
    "why_stretch": (
        "• Herausforderung: der Kern-Stack ({skills}) ist neu für dich; du wolltest auch solche "
        "Stellen sehen"
    ),
    "why_languages": "• Geforderte Sprachen: {languages}; du sprichst sie",
    "why_licences": "• Geforderte Lizenzen/Führerscheine: {licences}; du hast sie",
    "why_level_exact": "• Erfahrungslevel: {level}, genau wie deins",
    "why_level_near": "• Erfahrungslevel: {level}, nah an deinem",
    "why_level_plain": "• Erfahrungslevel: {level}",
    "why_level_unknown": "• Erfahrungslevel: nicht angegeben",
    # matches: not interested, save, applied
    "ni_question": "Was möchtest du nicht mehr sehen?",
    "btn_ni_job": "Nur diesen Job",
    "btn_ni_company": "Jobs bei {company}",
    "btn_ni_kind": "Diese Art von Stelle",
    "ni_job_done": "Alles klar, „{title}“ zeige ich dir nicht mehr.",
    "ni_company_done": "Okay, keine Jobs mehr von {company}.",
    "ni_kind_done": "Verstanden: Stellen wie „{title}“ zeige ich dir seltener.",
    "this_company": "dieser Firma",
    "saved_job": "„{title}“ ist gemerkt. Du findest den Job bei deinen Bewerbungen.",
    "applied_job": (
        "Viel Erfolg! „{title}“ ist als beworben markiert. Ich frage später nach, ob du etwas "
        "gehört hast."
    ),
    "btn_apps": "Meine Bewerbungen",
    "job_gone": "Diesen Job gibt es nicht mehr: Er ist besetzt, beendet oder wurde entfernt.",
    # matches: digests
    "digest_daily_one": "Deine tägliche Auswahl: 1 neuer Job, der zu dir passt.",
    "digest_daily_many": "Deine tägliche Auswahl: {count} neue Jobs, die zu dir passen.",
    "digest_weekly_one": "Deine Wochenauswahl: 1 neuer Job, der zu dir passt.",
    "digest_weekly_many": "Deine Wochenauswahl: {count} neue Jobs, die zu dir passen.",
    "digest_one": "1 neuer Job, der zu dir passt.",
    "digest_many": "{count} neue Jobs, die zu dir passen.",
    "digest_none": "Diesmal gibt es keine neuen passenden Jobs.",
    # matches: the application tracker
    "stage_saved": "Gemerkt",
    "stage_applied": "Beworben",
    "stage_interviewing": "Im Gespräch",
    "stage_offer": "Angebot",
    "stage_rejected": "Absage",
    "apps_summary": "Deine Bewerbungen ({total}):",
    "apps_showing": "Hier sind die {shown} wichtigsten.",
    "apps_empty": (
        "Deine Bewerbungsliste ist noch leer. Tippe unter einem Job auf „{save}“, um ihn hier "
        "abzulegen, oder auf „{applied}“, sobald du dich beworben hast: Ich helfe dir, den "
        "Überblick zu behalten, und frage später nach."
    ),
    "apps_entry_since": "{stage} seit {date}",
    "date_format": "{day}.{month}.{year}",
    "btn_move_interviewing": "Einladung zum Gespräch",
    "btn_move_offer": "Angebot erhalten",
    "btn_move_rejected": "Absage erhalten",
    "btn_move_remove": "Entfernen",
    "moved_saved": "„{title}“ ist wieder bei deinen gemerkten Jobs.",
    "moved_applied": "„{title}“ ist als beworben markiert.",
    "moved_interviewing": "Ein Gespräch für „{title}“, super! Viel Erfolg.",
    "moved_offer": "Ein Angebot für „{title}“, herzlichen Glückwunsch!",
    "moved_rejected": "Schade um „{title}“. Kopf hoch, ich suche weiter für dich.",
    "moved_removed": "„{title}“ ist aus deinen Bewerbungen entfernt.",
    # matches: did you hear back?
    "followup_question": "Hast du zu „{title}“ bei {company} schon etwas gehört?",
    "followup_question_plain": "Hast du zu „{title}“ schon etwas gehört?",
    "btn_heard_waiting": "Noch nicht",
    "heard_waiting": (
        "Noch nichts gehört ist ganz normal. Daumen drücken! Du kannst den Stand jederzeit bei "
        "deinen Bewerbungen ändern."
    ),
    # a place the city table does not know
    "location_unknown": "„{place}“ kenne ich nicht – meintest du einen dieser Orte?",
    "location_unknown_no_match": (
        "„{place}“ kenne ich nicht. Schreib es anders oder behalte es so, wie du es geschrieben "
        "hast."
    ),
    "btn_keep_place": "So behalten",
    # skills, one at a time (offered in /prefs)
    "btn_pref_skills": "Fähigkeiten",
    "ask_skill_edit": (
        "Deine Fähigkeiten: {skills}\n\n"
        "Schreib + und eine Fähigkeit, um sie hinzuzufügen, oder - und eine Fähigkeit, um sie "
        "zu entfernen (zum Beispiel: + Kubernetes, - Java), oder tippe unten auf eine "
        "Fähigkeit, um sie zu entfernen."
    ),
    "invalid_skill_edit": (
        "Bitte schreib + und eine Fähigkeit, um sie hinzuzufügen, oder - und eine deiner "
        "Fähigkeiten, um sie zu entfernen, zum Beispiel: + Kubernetes, - Java."
    ),
    "btn_remove_skill": "✕ {skill}",
    "btn_restart": "Neu starten",
    # the terminal: typed numbers and file paths instead of taps and uploads
    "consent_declined@console": (
        "Kein Problem. Ich habe nichts über dich gespeichert. Falls du es dir anders überlegst, "
        "gib /start ein. Tschüss!"
    ),
    "invalid_work_mode@console": (
        "Bitte wähle remote, hybrid, vor Ort oder egal (oder gib die Nummer einer Option ein)."
    ),
    "ask_locations@console": (
        "Wo sollen die Jobs sein? Schreib Länder oder Städte, getrennt durch Kommas "
        "(zum Beispiel: Berlin, München), oder gib die Nummer von „Überall“ ein."
    ),
    "invalid_locations@console": (
        "Diesen Ort habe ich nicht verstanden. Schreib bis zu 10 Länder oder Städte, getrennt "
        "durch Kommas, oder gib die Nummer von „Überall“ ein."
    ),
    "invalid_seniority@console": "Bitte gib die Nummer deines Levels ein.",
    "invalid_salary@console": (
        "Dieser Betrag sieht nicht richtig aus. Schreib eine Zahl und eine Währung, zum Beispiel "
        "60000 EUR oder 4500 EUR pro Monat, oder gib die Nummer von „Überspringen“ ein."
    ),
    "ask_resume@console": (
        "Jetzt zu deinem Lebenslauf: Gib den Pfad deines Lebenslaufs ein (eine PDF- oder "
        "DOCX-Datei, bis 10 MB), füge den Text hier ein oder gib die Nummer von „Überspringen“ "
        "ein."
    ),
    "resume_photo@console": (
        "Fotos oder Bilder kann ich nicht lesen. Bitte gib den Pfad deines Lebenslaufs als PDF- "
        "oder DOCX-Datei ein oder füge den Text ein."
    ),
    "resume_too_large@console": (
        "Die Datei ist zu groß (das Limit liegt bei {limit} MB). Bitte gib den Pfad einer "
        "kleineren PDF- oder DOCX-Datei ein oder füge den Text ein."
    ),
    "resume_not_document@console": (
        "Bitte gib den Pfad deines Lebenslaufs ein (eine PDF- oder DOCX-Datei), füge den Text "
        "ein oder gib die Nummer von „Überspringen“ ein."
    ),
    "resume_text_too_short@console": (
        "Das ist ziemlich kurz für einen Lebenslauf. Füge den ganzen Text ein, gib den Pfad "
        "deines Lebenslaufs ein (PDF oder DOCX) oder gib die Nummer von „Überspringen“ ein."
    ),
    "resume_failed_too_large@console": (
        "Die Datei ist zu groß (das Limit liegt bei {limit} MB). Bitte gib den Pfad einer "
        "kleineren Datei ein oder füge den Text ein."
    ),
    "resume_failed_unsupported_type@console": (
        "Diese Datei ist kein PDF- oder DOCX-Dokument. Bitte gib den Pfad eines solchen "
        "Dokuments ein oder füge den Text ein."
    ),
    "resume_failed_corrupt@console": (
        "Ich konnte die Datei nicht öffnen, sie scheint beschädigt zu sein. Bitte gib den Pfad "
        "einer anderen Kopie ein oder füge den Text ein."
    ),
    "resume_failed_too_complex@console": (
        "Diese Datei ist zu komplex für mich: Entpackt ist sie viel größer, als ein Lebenslauf "
        "sein muss. Bitte gib den Pfad eines einfacheren PDF oder DOCX ein oder füge den Text ein."
    ),
    "resume_failed_encrypted@console": (
        "Diese PDF ist passwortgeschützt, deshalb kann ich sie nicht lesen. Bitte gib den Pfad "
        "einer Kopie ohne Passwort ein oder füge den Text ein."
    ),
    "resume_failed_empty@console": (
        "Diese Datei enthält keinen Text. Bitte gib den Pfad einer anderen Datei ein oder füge "
        "den Text ein."
    ),
    "resume_failed_scanned@console": (
        "Das sieht nach einem Scan aus: Die Datei enthält Bilder, aber keinen Text, den ich lesen "
        "kann. Bitte gib den Pfad einer PDF mit Text oder einer DOCX-Datei ein oder füge den "
        "Text ein."
    ),
    "resume_failed_download@console": (
        "Ich konnte die Datei gerade nicht lesen. Bitte gib den Pfad noch einmal ein oder füge "
        "den Text ein."
    ),
    "ask_quiet_hours@console": (
        "Wann soll ich dich nicht stören? Schreib Uhrzeiten wie 22-7 oder gib die Nummer einer "
        "Option ein."
    ),
    "unsupported@console": (
        "Ich kann Text, Optionsnummern und Pfade von PDF- oder DOCX-Dateien lesen."
    ),
    "stale_button@console": "Diese Option gehört zu einer früheren Frage.",
    "ask_employment_type@console": (
        "Welche Anstellungsart suchst du? Gib die Nummer einer Option ein, oder mehrere Nummern "
        "oder Namen, getrennt durch Kommas (zum Beispiel: 1, 3 oder Vollzeit, Freelance)."
    ),
    "invalid_employment_type@console": (
        "Bitte wähle Vollzeit, Teilzeit, Freelance, Praktikum oder egal (oder gib die Nummern "
        "der Optionen ein)."
    ),
    "ask_skill_edit@console": (
        "Deine Fähigkeiten: {skills}\n\n"
        "Schreib + und eine Fähigkeit, um sie hinzuzufügen, oder - und eine Fähigkeit, um sie "
        "zu entfernen (zum Beispiel: + Kubernetes, - Java), oder gib unten die Nummer einer "
        "Fähigkeit ein, um sie zu entfernen."
    ),
    # WhatsApp und Nachrichten, die kein Text sind
    "btn_menu_help": "Hilfe",
    "photo_not_text": "Ich kann hier nur Text lesen – bitte tippe deine Antwort.",
    "unsupported_resume": (
        "Diese Art von Nachricht kann ich nicht lesen. Bitte schick deinen Lebenslauf als PDF- "
        "oder DOCX-Dokument, füge den Text ein oder tippe auf „Überspringen“."
    ),
    "location_shared": "Du hast einen Standort bei {place} geteilt.",
    "location_help": (
        "Einen geteilten Standort kann ich verwenden, wenn ich frage, wo du arbeiten möchtest. "
        "Hier tippe bitte deine Antwort oder einen Button."
    ),
    # WhatsApp: Wörter statt /Befehlen, Button-Beschriftungen mit höchstens 20 Zeichen
    "welcome_consent@whatsapp": (
        "Hallo! Ich bin JobScout. Ich suche Jobs, die zu dir passen, und schicke sie dir hier.\n\n"
        "Datenschutzhinweis (Version {version}): Wenn du einverstanden bist, speichere ich deine "
        "Telefonnummer, deine Antworten und, falls du ihn schickst, deinen Lebenslauf "
        "(verschlüsselt). Ich nutze sie nur, um passende Jobs für dich zu finden und dir zu "
        "schicken. Schreib jederzeit „Datenschutz“, um deine Einwilligung zu sehen, "
        "„exportieren“, um alles herunterzuladen, und „löschen“, um alles zu löschen.\n\n"
        "Bist du einverstanden, dass ich dein Profil verarbeite und dir Jobnachrichten schicke?"
    ),
    "consent_declined@whatsapp": (
        "Kein Problem. Ich habe nichts über dich gespeichert. Falls du es dir anders überlegst, "
        "schreib mir einfach wieder. Tschüss!"
    ),
    "help@whatsapp": (
        "Ich schicke dir Jobs, die zu deinem Profil passen. Schreib jederzeit eines dieser "
        "Wörter:\n"
        "Menü – alles, was ich kann\nHilfe – diese Nachricht\n"
        "Pause – Benachrichtigungen anhalten; fortsetzen – wieder starten\n"
        "Datenschutz – Einwilligung ansehen oder widerrufen\n"
        "exportieren – alles herunterladen, was ich über dich gespeichert habe\n"
        "löschen – alle deine Daten löschen\n"
        "Statt auf eine Option zu tippen, kannst du auch ihre Nummer schreiben."
    ),
    "paused@whatsapp": (
        "Benachrichtigungen pausiert. Schreib „fortsetzen“, wann immer du sie wieder haben "
        "möchtest."
    ),
    "messages_withdrawn@whatsapp": (
        "Erledigt: Ich schicke dir keine Jobnachrichten mehr. Dein Profil bleibt erhalten; "
        "schreib „fortsetzen“, um wieder einzuwilligen."
    ),
    "deleted@whatsapp": (
        "Alle deine Daten wurden gelöscht. Tschüss! Schreib mir einfach wieder, falls du "
        "irgendwann zurückkommen möchtest."
    ),
    "onboarding_paused@whatsapp": (
        "Okay, wir hören hier auf. Schreib mir, wann immer du weitermachen möchtest."
    ),
    "btn_intern@whatsapp": "Praktikum/Studium",
    "btn_lead@whatsapp": "Teamleitung",
    "btn_principal@whatsapp": "Principal/Direktor",
    "btn_daily@whatsapp": "Täglich",
    "btn_weekly@whatsapp": "Wöchentlich",
    "btn_no_quiet@whatsapp": "Keine Ruhezeiten",
    "btn_employment_contract@whatsapp": "Freelance/Projekt",
    "btn_withdraw_messages@whatsapp": "Jobnachrichten aus",
    "btn_withdraw_all@whatsapp": "Widerrufen & löschen",
    "btn_delete_yes@whatsapp": "Ja, alles löschen",
    "btn_delete_no@whatsapp": "Nein, behalten",
    "btn_job_applied@whatsapp": "Beworben",
    "btn_job_why@whatsapp": "Warum passt das?",
    "btn_move_interviewing@whatsapp": "Einladung erhalten",
    # --- linking chats and e-mail (/link, /channels, /email) ---
    "link_code_issued": (
        "Dein Verknüpfungscode: {code}\n\nSende im anderen Chat (Telegram oder WhatsApp):\n"
        "/link {code}\n\nEr gilt einmal und läuft in {minutes} Minuten ab."
    ),
    "link_code_invalid": (
        "Das ist kein Verknüpfungscode. Codes sehen so aus: K7QX2M – sende /link K7QX2M."
    ),
    "link_code_wrong": (
        "Dieser Code funktioniert nicht: vertippt, schon benutzt oder abgelaufen. Fordere im "
        "Chat, den du schon nutzt, mit /link einen neuen an."
    ),
    "link_throttled": "Zu viele Versuche. Warte {minutes} Minuten und versuche es erneut.",
    "link_same_person": "Diese Chats sind schon verknüpft. /channels zeigt sie.",
    "link_channel_taken": (
        "Du hast schon einen {channel}-Chat verknüpft. Löse ihn zuerst unter /channels."
    ),
    "link_conflict": (
        "Beide Chats haben ein Profil. Welches willst du behalten? Das andere wird gelöscht; "
        "nichts wird zusammengeführt."
    ),
    "btn_keep_here": "Dieses behalten",
    "btn_keep_other": "Das andere",
    "link_conflict_expired": (
        "Diese Auswahl ist abgelaufen. Sende /link in einem Chat, um neu zu beginnen."
    ),
    "link_done": "Verknüpft. {channels}\n\nMit /channels änderst du, wohin Jobs gehen.",
    "channels_header": "Deine Kanäle, in der Reihenfolge, in der ich sie versuche:",
    "channels_line": "{position}. {channel}",
    "channels_preferred": "{position}. {channel} – bekommt deine Jobs",
    "channels_fallback_note": (
        "Erreiche ich dich auf einem nicht, geht die Nachricht einmal an den nächsten."
    ),
    "channels_only_one": (
        "Du nutzt JobScout nur hier. /link verknüpft einen weiteren Chat (Telegram, WhatsApp); "
        "/email fügt eine E-Mail-Adresse hinzu."
    ),
    "btn_prefer": "Jobs an {channel}",
    "btn_unlink": "{channel} lösen",
    "btn_link_new": "Chat verknüpfen",
    "btn_email_remove": "E-Mail entfernen",
    "channel_preferred": "Jobs gehen jetzt zuerst an {channel}.",
    "channel_unlinked": (
        "{channel} ist gelöst und beginnt neu; dein Profil bleibt bei deinen anderen Chats."
    ),
    "channel_unlink_last": "Das ist dein einziger Chat: Es gibt nichts zu lösen.",
    "channel_not_linked": "{channel} ist nicht verknüpft.",
    "channel_name_telegram": "Telegram",
    "channel_name_whatsapp": "WhatsApp",
    "channel_name_email": "E-Mail",
    "channel_name_console": "Terminal",
    "email_ask": (
        "An welche E-Mail-Adresse sollen deine Jobs gehen? Ich schicke ihr einen Code, um zu "
        "prüfen, dass sie dir gehört. /cancel führt zurück."
    ),
    "email_ask_again": "Bitte sende eine E-Mail-Adresse, etwa ana@example.org, oder /cancel.",
    "email_code_ask": "Gib hier den 6-stelligen Code aus der E-Mail ein.",
    "email_code_ask_again": "Bitte gib den 6-stelligen Code aus der E-Mail ein, oder /cancel.",
    "email_not_understood": (
        "Sende /email mit einer Adresse (/email ana@example.org), dem Code aus der E-Mail "
        "(/email 123456) oder /email entfernen."
    ),
    "email_off": "E-Mail ist bei diesem JobScout nicht eingeschaltet.",
    "email_invalid": "Diese Adresse sieht nicht richtig aus. Bitte prüfe sie und sende sie erneut.",
    "email_code_sent": (
        "Ich habe einen Code an {address} geschickt. Gib ihn hier ein; er läuft in {minutes} "
        "Minuten ab. Bis du bestätigst, geht nichts anderes an diese Adresse."
    ),
    "email_send_failed": (
        "Ich konnte die E-Mail nicht senden. Bitte prüfe die Adresse oder versuche es später."
    ),
    "email_in_use": "Diese Adresse gehört zu einem anderen JobScout-Profil.",
    "email_verified": "{address} ist bestätigt. {channels}",
    "email_code_wrong": (
        "Dieser Code stimmt nicht oder ist abgelaufen. Sende /email mit dem Code, oder /email, "
        "um neu zu beginnen."
    ),
    "email_removed": "Die E-Mail-Adresse ist entfernt; dorthin geht nichts mehr.",
    "email_none": "Du hast bei mir keine E-Mail-Adresse. /email fügt eine hinzu.",
    "email_already": "{address} ist schon bestätigt.",
}
