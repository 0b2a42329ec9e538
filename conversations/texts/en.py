"""English texts: the reference set; every other language has exactly these keys."""

TEXTS: dict[str, str] = {
    # consent
    "welcome_consent": (
        "Hi! I'm JobScout. I look for jobs that fit you and send them to you here.\n\n"
        "Privacy notice (version {version}): if you agree, I store your chat id, the answers you "
        "give me and, if you send one, your resume (encrypted). I use them only to find and send "
        "you matching jobs. You can see your consent with /privacy, download everything with "
        "/export and erase it all with /delete at any time.\n\n"
        "Do you agree that I process your profile and send you job messages?"
    ),
    "btn_consent_yes": "Yes, I agree",
    "btn_consent_no": "No, thanks",
    "consent_declined": (
        "No problem. I have not stored anything about you. If you change your mind, send /start."
        " Goodbye!"
    ),
    "consent_needed": "Before I can help you, please answer the privacy question below.",
    "consent_thanks": "Thank you! Your consent is recorded (policy version {version}).",
    "nothing_stored": "I hold no data about you, so there is nothing to show, export or delete.",
    # onboarding questions
    "ask_roles": (
        "Which jobs are you looking for? Write one or more job titles, separated by commas "
        "(for example: Backend Developer, Data Engineer)."
    ),
    "invalid_roles": (
        "I need at least one job title (2 to 80 characters, up to 10 titles, separated by "
        "commas). For example: Nurse, Care Assistant."
    ),
    "ask_work_mode": "How do you want to work?",
    "btn_remote": "Remote",
    "btn_hybrid": "Hybrid",
    "btn_onsite": "On-site",
    "btn_any": "Any of these",
    "invalid_work_mode": "Please choose remote, hybrid, on-site or any of these (or tap a button).",
    "ask_locations": (
        "Where should the jobs be? Write countries or cities, separated by commas "
        "(for example: Berlin, Munich), or tap \"Anywhere\"."
    ),
    "btn_anywhere": "Anywhere",
    "invalid_locations": (
        "I did not understand that place. Write up to 10 countries or cities separated by "
        "commas, or tap \"Anywhere\"."
    ),
    "ask_seniority": "What is your experience level?",
    "btn_intern": "Intern / student",
    "btn_junior": "Junior",
    "btn_mid": "Mid-level",
    "btn_senior": "Senior",
    "btn_lead": "Lead / manager",
    "btn_principal": "Principal / director",
    "invalid_seniority": "Please pick your level with one of the buttons.",
    "ask_salary": (
        "What is the lowest salary you would accept? Write an amount and a currency, for "
        "example 60000 EUR, €4,500 per month or $55/hour. You can also skip this."
    ),
    "btn_skip": "Skip",
    "invalid_salary": (
        "That amount does not look right. Write a number and a currency, for example "
        "60000 EUR or 4500 EUR per month, or tap Skip."
    ),
    "invalid_salary_currency": (
        "Which currency is that? Please add it, for example 60000 EUR or $120,000."
    ),
    "ask_resume": (
        "Now your resume: send it as a PDF or DOCX file (up to 10 MB), paste its text here, or "
        "tap Skip."
    ),
    "resume_reading": "Thanks! I'm reading your resume, this takes a moment.",
    "resume_wait": "I'm still reading your resume, one moment please.",
    "resume_photo": (
        "I can't read photos or images. Please send your resume as a PDF or DOCX document, "
        "or paste its text."
    ),
    "resume_too_large": (
        "That file is too large (the limit is {limit} MB). Please send a smaller PDF or DOCX, "
        "or paste the text."
    ),
    "resume_not_document": "Please send a PDF or DOCX file, paste the text, or tap Skip.",
    "resume_text_too_short": (
        "That is rather short for a resume. Paste the full text, send a PDF or DOCX file, or "
        "tap Skip."
    ),
    "resume_failed_too_large": (
        "That file is too large (the limit is {limit} MB). Please send a smaller file or paste "
        "the text."
    ),
    "resume_failed_unsupported_type": (
        "That file is not a PDF or DOCX document. Please send one of those, or paste the text."
    ),
    "resume_failed_corrupt": (
        "I couldn't open that file: it seems to be damaged. Please send it again, or paste the "
        "text."
    ),
    "resume_failed_too_complex": (
        "That file is too complex for me to read: it unpacks to far more than a resume needs. "
        "Please send a simpler PDF or DOCX, or paste the text."
    ),
    "resume_failed_encrypted": (
        "That PDF is password-protected, so I can't read it. Please send a copy without a "
        "password, or paste the text."
    ),
    "resume_failed_empty": (
        "That file contains no text. Please send another file or paste the text."
    ),
    "resume_failed_scanned": (
        "That looks like a scan: it has images but no text I can read. Please send a PDF with "
        "text, a DOCX file, or paste the text."
    ),
    "resume_failed_download": (
        "I couldn't download that file just now. Please try sending it again, or paste the text."
    ),
    "resume_summary": (
        "This is what I read in your resume:\n"
        "• Skills: {skills}\n"
        "• Years of experience: {years}\n"
        "• Last job title: {title}\n\n"
        "Is that right?"
    ),
    "not_found": "not found",
    "btn_resume_ok": "Looks right",
    "btn_fix_skills": "Correct skills",
    "btn_fix_title": "Correct title",
    "btn_fix_years": "Correct years",
    "invalid_resume_confirm": "Please confirm with \"Looks right\" or pick what to correct.",
    "ask_skills": "Write your skills, separated by commas (for example: Python, SQL, Kubernetes).",
    "invalid_skills": "Please write at least one skill, separated by commas.",
    "ask_title": "What is your last or current job title?",
    "invalid_title": "Please write a job title of 2 to 80 characters.",
    "ask_years": "How many years of work experience do you have? Write a number, for example 6.",
    "invalid_years": (
        "Please write the number of years as a number between 0 and 60, for example 6."
    ),
    "ask_frequency": "How often should I send you jobs?",
    "btn_instant": "Instantly",
    "btn_daily": "Daily digest",
    "btn_weekly": "Weekly digest",
    "invalid_frequency": "Please choose instantly, daily or weekly.",
    "ask_timezone": (
        "Which time zone are you in? Write a city or a zone such as Europe/Berlin or UTC+2."
    ),
    "invalid_timezone": (
        "I don't know that time zone. Try a big city near you (for example Berlin), a zone "
        "name such as America/New_York, or an offset such as UTC-5."
    ),
    "ask_quiet_hours": (
        "When should I stay quiet? Write hours like 22-7, or tap a button."
    ),
    "btn_quiet_default": "22:00–07:00",
    "btn_no_quiet": "No quiet hours",
    "invalid_quiet_hours": "Please write quiet hours as two hours of the day, for example 22-7.",
    # the first batch right after onboarding or a /prefs change
    "first_batch_found": (
        "I found {count} live jobs that fit you right now. Here are the best {shown}:"
    ),
    "first_batch_none_fit": (
        "There are {total} live jobs right now, but none fits your preferences yet. I'll message "
        "you as soon as one does."
    ),
    "first_batch_no_jobs": (
        "No jobs yet — an admin needs to add job sources. I'll message you as soon as jobs that "
        "fit arrive."
    ),
    "demo_job": "Demo job",
    "demo_note": (
        "Demo jobs are made-up examples so you can try JobScout; they are not real openings."
    ),
    # done, menu and profile
    "done": "All set! I'll send you jobs that fit. Here is your profile:\n\n{summary}",
    "profile_summary": (
        "• Roles: {roles}\n• Work mode: {modes}\n• Locations: {locations}\n• Level: {seniority}\n"
        "• Minimum salary: {salary}\n• Employment: {employment}\n• Skills: {skills}\n"
        "{more}• Alerts: {frequency}\n• Time zone: {timezone}\n• Quiet hours: {quiet}\n"
        "• Status: {status}"
    ),
    # preferences asked in /prefs only: languages, licences, commute radius, stretch jobs
    "btn_pref_languages": "Languages",
    "btn_pref_licences": "Licences",
    "btn_pref_commute": "Commute radius",
    "btn_pref_stretch": "Stretch jobs",
    "btn_prefs_more": "More…",
    "btn_prefs_back": "Back",
    "prefs_choose_more": "More settings: which one do you want to change?",
    "ask_languages": (
        "Which languages do you speak, and how well? Write them separated by commas, for "
        "example: German C1, English native, Spanish basic. Without a level I note a working "
        "level (B1–B2)."
    ),
    "invalid_languages": (
        "I didn't recognise a language there. Write each language, with a level if you like, "
        "separated by commas, for example: German C1, English native."
    ),
    "btn_languages_none": "Leave blank",
    "ask_licences": (
        "Which licences or certifications do you hold? Write them separated by commas, for "
        "example: RN, CDL Class A, driving licence B."
    ),
    "invalid_licences": (
        "Please write up to 20 licences or certifications of 2 to 80 characters, separated by "
        "commas, for example: RN, CDL Class A. Or choose None."
    ),
    "btn_licences_none": "None",
    "ask_commute": (
        "How far would you commute? Write a distance and a place, for example: within 30 km of "
        "Cambridge."
    ),
    "invalid_commute": (
        "Please write a distance and a place, for example: within 30 km of Cambridge, or 20 "
        "miles from Leeds."
    ),
    "invalid_commute_radius": (
        "The distance must be between 1 and 500 km, for example: within 30 km of Cambridge."
    ),
    "invalid_commute_place": (
        "I don't know that place. Write a city or town, for example: within 30 km of Cambridge."
    ),
    "btn_commute_none": "No radius",
    "ask_stretch": (
        "Also send jobs that stretch you: a core skill you don't have yet? I'll mark them as a "
        "stretch."
    ),
    "invalid_stretch": "Please answer yes or no.",
    "btn_stretch_yes": "Yes, send them",
    "btn_stretch_no": "No, thanks",
    "label_languages": "Languages",
    "label_licences": "Licences",
    "label_commute": "Commute",
    "label_stretch": "Stretch jobs",
    "commute_value": "within {radius} km of {place}",
    "stretch_on": "yes, marked as a stretch",
    "level_basic": "basic",
    "level_working": "working",
    "level_fluent": "fluent",
    "level_native": "native",
    "resume_prefilled": (
        "I also took these from your resume:\n{fields}\n"
        "You can change them under “Change preferences”."
    ),
    "status_active": "active",
    "status_paused": "paused",
    "anywhere": "anywhere",
    "none": "none",
    "salary_value": "{amount} {currency} per {period}",
    "period_year": "year",
    "period_month": "month",
    "period_hour": "hour",
    "quiet_value": "{start}:00–{end}:00",
    "menu": "What would you like to do?",
    "btn_menu_prefs": "Change preferences",
    "btn_menu_resume": "Replace resume",
    "btn_menu_frequency": "Alert frequency",
    "btn_menu_pause": "Pause alerts",
    "btn_menu_unpause": "Resume alerts",
    "btn_menu_language": "Language",
    "btn_menu_privacy": "Privacy",
    "btn_menu_export": "Export my data",
    "btn_menu_delete": "Delete my data",
    "prefs_choose": "Which answer do you want to change?\n\n{summary}",
    "btn_pref_roles": "Roles",
    "btn_pref_work_mode": "Work mode",
    "btn_pref_locations": "Locations",
    "btn_pref_seniority": "Level",
    "btn_pref_salary": "Minimum salary",
    "btn_pref_resume": "Resume",
    "btn_pref_frequency": "Frequency",
    "btn_pref_timezone": "Time zone",
    "btn_pref_quiet_hours": "Quiet hours",
    "btn_pref_employment_type": "Employment type",
    "saved": "Saved.",
    "finish_onboarding_first": "Let's finish setting up your profile first.",
    "welcome_back": "Welcome back!",
    "help": (
        "I send you jobs that fit your profile. Commands:\n"
        "/menu – main menu\n/prefs – change an answer\n/resume – replace your resume\n"
        "/frequency – how often I send jobs\n/applications – the jobs you saved or applied to\n"
        "/pause and /unpause – stop or restart alerts\n"
        "/link – use JobScout in another chat too\n/channels – where alerts go\n"
        "/email – get jobs by e-mail as well\n"
        "/language – change the language\n/privacy – see or withdraw your consent\n"
        "/export – download everything I hold about you\n/delete – erase all your data\n"
        "/cancel – stop the current question"
    ),
    "paused": "Alerts paused. Send /unpause whenever you want them back.",
    "unpaused": "Alerts are on again.",
    "privacy_status": (
        "Privacy notice version {version}. Your consents:\n{records}\n\n"
        "You can withdraw consent to job messages (your profile stays), or withdraw all consent, "
        "which deletes everything I hold about you."
    ),
    "consent_line": "• {purpose}: {state} on {at} (version {version})",
    "purpose_profile_processing": "Processing your profile",
    "purpose_job_messages": "Receiving job messages",
    "consent_granted": "given",
    "consent_withdrawn": "withdrawn",
    "btn_withdraw_messages": "Stop job messages",
    "btn_withdraw_all": "Withdraw all and delete",
    "messages_withdrawn": (
        "Done: I won't send you job messages any more. Your profile stays; send /unpause to "
        "give consent again."
    ),
    "export_preparing": "Preparing your data export...",
    "export_caption": "Everything JobScout holds about you, as JSON.",
    "confirm_delete": (
        "This erases your profile, resume, answers, consents and pending messages. It cannot be "
        "undone. Delete everything?"
    ),
    "btn_delete_yes": "Yes, delete everything",
    "btn_delete_no": "No, keep my data",
    "deleted": (
        "Everything about you has been deleted. Goodbye! Send /start if you ever want to come "
        "back."
    ),
    "delete_cancelled": "Nothing was deleted.",
    "cancelled": "Cancelled; nothing changed.",
    "onboarding_paused": "Okay, let's stop here. Send /start whenever you want to continue.",
    "group_only_private": (
        "Hi! JobScout works in a private chat only. Please message me directly to get job alerts."
    ),
    "edited": (
        "I don't pick up edited messages. Please send your answer again as a new message."
    ),
    "unsupported": (
        "This kind of message isn't supported here. Please type your answer or tap a button."
    ),
    "stale_button": "That button belongs to an earlier question.",
    "choose_language": "Choose your language:",
    "language_set": "Language set to English.",
    "reachable_again": "Welcome back! Your alerts are on again.",
    # employment type (offered in /prefs)
    "ask_employment_type": (
        "Which kind of employment are you looking for? Tap one, or write several separated by "
        "commas (for example: full-time, contract)."
    ),
    "invalid_employment_type": (
        "Please choose full-time, part-time, contract, internship or any (or tap a button)."
    ),
    "btn_employment_full_time": "Full-time",
    "btn_employment_part_time": "Part-time",
    "btn_employment_contract": "Contract / freelance",
    "btn_employment_temporary": "Temporary",
    "btn_employment_internship": "Internship",
    "btn_employment_apprenticeship": "Apprenticeship",
    "btn_employment_volunteer": "Volunteer",
    "btn_employment_other": "Other",
    "employment_any": "any",
    # matches: job cards
    "unknown_company": "Company not named",
    "job_location_unknown": "Location not stated",
    "more": "+{count} more",
    "salary_from": "from {amount}",
    "salary_up_to": "up to {amount}",
    "per_hour": "per hour",
    "per_day": "per day",
    "per_week": "per week",
    "per_month": "per month",
    "per_year": "per year",
    "job_missing": "Missing: {skills}",
    "reason_salary_meets": "Salary meets your minimum",
    "reason_salary_overlaps": "Top of the range meets your minimum",
    "reason_remote": "Remote from where you are",
    "reason_city": "In your city",
    "reason_country": "In your country",
    "reason_title": "A role you're looking for",
    "reason_level": "Your level",
    "btn_job_apply": "Apply",
    "btn_job_save": "Save",
    "btn_job_applied": "I applied",
    "btn_job_why": "Why this match?",
    "btn_job_not_interested": "Not interested",
    # matches: why this match
    "why_header": "Why “{title}” at {company} fits you: {score}% match",
    "why_skills_have": "✓ Skills you have: {skills}",
    "why_skills_missing": "✗ Required skills you're missing: {skills}",
    "why_nice_missing": "○ Nice to have, you're missing: {skills}",
    "why_no_gap": "✓ You have every required skill the posting lists.",
    "why_no_skills": "The posting doesn't name specific skills.",
    "why_title_yes": "• Title: one of the roles you're looking for",
    "why_title_no": "• Title: not one of your roles, but the work itself fits",
    "why_salary_meets": "• Salary: {salary}, meets your minimum",
    "why_salary_overlaps": "• Salary: {salary}, only the top of the range reaches your minimum",
    "why_salary_below": "• Salary: {salary}, below your minimum",
    "why_salary_unknown": "• Salary: {salary}",
    "why_salary_none": "• Salary: not stated",
    "why_location_remote": "• Location: {where}, open to where you are",
    "why_location_city": "• Location: {where}, one of your cities",
    "why_location_country": "• Location: {where}, in a country you chose",
    "why_location_anywhere": "• Location: {where}; you're open to anywhere",
    "why_location_other": "• Location: {where}",
    # send gates (why this match: nearby, adjacent role, stretch, languages, licences)
    "reason_nearby": "Near your city",
    "reason_stretch": "Stretch: a new core stack",
    "why_location_nearby": "• Location: {where}, {km} km from {near}",
    "why_adjacent": (
        "• Role: “{title}” is next to what you asked for, and you have {have} of its {of} "
        "required skills"
    ),
    "why_stretch": (
        "• Stretch: its core stack ({skills}) is new to you; sent because you asked for stretch "
        "jobs"
    ),
    "why_languages": "• Languages it asks for: {languages}; you speak them",
    "why_licences": "• Licences it asks for: {licences}; you hold them",
    "why_level_exact": "• Level: {level}, the same as yours",
    "why_level_near": "• Level: {level}, close to yours",
    "why_level_plain": "• Level: {level}",
    "why_level_unknown": "• Level: not stated",
    # matches: not interested, save, applied
    "ni_question": "What don't you want to see any more?",
    "btn_ni_job": "Just this job",
    "btn_ni_company": "Jobs at {company}",
    "btn_ni_kind": "This kind of role",
    "ni_job_done": "Got it, I won't show you “{title}” again.",
    "ni_company_done": "Okay, no more jobs from {company}.",
    "ni_kind_done": "Understood: I'll show you fewer roles like “{title}”.",
    "this_company": "this company",
    "saved_job": "Saved “{title}”. You'll find it in your applications.",
    "applied_job": (
        "Good luck! “{title}” is marked as applied. I'll check in later to ask whether you've "
        "heard back."
    ),
    "btn_apps": "My applications",
    "job_gone": "That job is no longer available: it was filled, closed or taken down.",
    # matches: digests
    "digest_daily_one": "Your daily digest: 1 new job that fits you.",
    "digest_daily_many": "Your daily digest: {count} new jobs that fit you.",
    "digest_weekly_one": "Your weekly digest: 1 new job that fits you.",
    "digest_weekly_many": "Your weekly digest: {count} new jobs that fit you.",
    "digest_one": "1 new job that fits you.",
    "digest_many": "{count} new jobs that fit you.",
    "digest_none": "No new jobs that fit you this time.",
    # matches: the application tracker
    "stage_saved": "Saved",
    "stage_applied": "Applied",
    "stage_interviewing": "Interviewing",
    "stage_offer": "Offer",
    "stage_rejected": "Rejected",
    "apps_summary": "Your applications ({total}):",
    "apps_showing": "Here are the {shown} most relevant.",
    "apps_empty": (
        "Your application tracker is empty. Tap “{save}” under a job to keep it here, or "
        "“{applied}” once you've applied: I'll help you keep track and follow up."
    ),
    "apps_entry_since": "{stage} since {date}",
    "date_format": "{year}-{month}-{day}",
    "btn_move_interviewing": "Got an interview",
    "btn_move_offer": "Got an offer",
    "btn_move_rejected": "Got a rejection",
    "btn_move_remove": "Remove",
    "moved_saved": "“{title}” is back on your saved list.",
    "moved_applied": "“{title}” is marked as applied.",
    "moved_interviewing": "An interview for “{title}”, great! Good luck.",
    "moved_offer": "An offer for “{title}”, congratulations!",
    "moved_rejected": "Sorry about “{title}”. On to the next one: I'll keep looking for you.",
    "moved_removed": "Removed “{title}” from your applications.",
    # matches: did you hear back?
    "followup_question": "Did you hear back about “{title}” at {company}?",
    "followup_question_plain": "Did you hear back about “{title}”?",
    "btn_heard_waiting": "Not yet",
    "heard_waiting": (
        "No news yet is normal. Fingers crossed! You can update it any time in your applications."
    ),
    # a place the city table does not know
    "location_unknown": "I don't know “{place}” — did you mean one of these?",
    "location_unknown_no_match": (
        "I don't know “{place}”. Write it another way, or keep it as typed."
    ),
    "btn_keep_place": "Keep it as typed",
    # skills, one at a time (offered in /prefs)
    "btn_pref_skills": "Skills",
    "ask_skill_edit": (
        "Your skills: {skills}\n\n"
        "Write + and a skill to add it, or - and a skill to remove it (for example: "
        "+ Kubernetes, - Java), or tap a skill below to remove it."
    ),
    "invalid_skill_edit": (
        "Please write + and a skill to add it, or - and one of your skills to remove it, for "
        "example: + Kubernetes, - Java."
    ),
    "btn_remove_skill": "✕ {skill}",
    "btn_restart": "Start again",
    # the terminal: typed numbers and file paths instead of taps and uploads
    "consent_declined@console": (
        "No problem. I have not stored anything about you. If you change your mind, type /start."
        " Goodbye!"
    ),
    "invalid_work_mode@console": (
        "Please choose remote, hybrid, on-site or any of these (or type the number of an option)."
    ),
    "ask_locations@console": (
        "Where should the jobs be? Write countries or cities, separated by commas "
        "(for example: Berlin, Munich), or type the number of \"Anywhere\"."
    ),
    "invalid_locations@console": (
        "I did not understand that place. Write up to 10 countries or cities separated by "
        "commas, or type the number of \"Anywhere\"."
    ),
    "invalid_seniority@console": "Please type the number of your level.",
    "invalid_salary@console": (
        "That amount does not look right. Write a number and a currency, for example "
        "60000 EUR or 4500 EUR per month, or type the number of Skip."
    ),
    "ask_resume@console": (
        "Now your resume: type the path of your resume (a PDF or DOCX file, up to 10 MB), "
        "paste its text here, or type the number of Skip."
    ),
    "resume_photo@console": (
        "I can't read photos or images. Please type the path of your resume as a PDF or DOCX "
        "file, or paste its text."
    ),
    "resume_too_large@console": (
        "That file is too large (the limit is {limit} MB). Please type the path of a smaller "
        "PDF or DOCX, or paste the text."
    ),
    "resume_not_document@console": (
        "Please type the path of your resume (a PDF or DOCX file), paste the text, or type the "
        "number of Skip."
    ),
    "resume_text_too_short@console": (
        "That is rather short for a resume. Paste the full text, type the path of your resume "
        "(a PDF or DOCX file), or type the number of Skip."
    ),
    "resume_failed_too_large@console": (
        "That file is too large (the limit is {limit} MB). Please type the path of a smaller "
        "file or paste the text."
    ),
    "resume_failed_unsupported_type@console": (
        "That file is not a PDF or DOCX document. Please type the path of one of those, or "
        "paste the text."
    ),
    "resume_failed_corrupt@console": (
        "I couldn't open that file: it seems to be damaged. Please type the path of another "
        "copy, or paste the text."
    ),
    "resume_failed_too_complex@console": (
        "That file is too complex for me to read: it unpacks to far more than a resume needs. "
        "Please type the path of a simpler PDF or DOCX, or paste the text."
    ),
    "resume_failed_encrypted@console": (
        "That PDF is password-protected, so I can't read it. Please type the path of a copy "
        "without a password, or paste the text."
    ),
    "resume_failed_empty@console": (
        "That file contains no text. Please type the path of another file or paste the text."
    ),
    "resume_failed_scanned@console": (
        "That looks like a scan: it has images but no text I can read. Please type the path "
        "of a PDF with text or a DOCX file, or paste the text."
    ),
    "resume_failed_download@console": (
        "I couldn't read that file just now. Please type its path again, or paste the text."
    ),
    "ask_quiet_hours@console": (
        "When should I stay quiet? Write hours like 22-7, or type the number of an option."
    ),
    "unsupported@console": "I can read text, option numbers and paths of PDF or DOCX files.",
    "stale_button@console": "That option belongs to an earlier question.",
    "ask_employment_type@console": (
        "Which kind of employment are you looking for? Type the number of one, or several "
        "numbers or names separated by commas (for example: 1, 3 or full-time, contract)."
    ),
    "invalid_employment_type@console": (
        "Please choose full-time, part-time, contract, internship or any (or type the numbers "
        "of the options)."
    ),
    "ask_skill_edit@console": (
        "Your skills: {skills}\n\n"
        "Write + and a skill to add it, or - and a skill to remove it (for example: "
        "+ Kubernetes, - Java), or type the number of a skill below to remove it."
    ),
    # WhatsApp and messages that are not text
    "btn_menu_help": "Help",
    "photo_not_text": "I can only read text here — please type your answer.",
    "unsupported_resume": (
        "I can't read this kind of message. Please send your resume as a PDF or DOCX document, "
        "paste its text, or tap Skip."
    ),
    "location_shared": "You shared a location near {place}.",
    "location_help": (
        "I can use a shared location when I ask where you want to work. Here, please type your "
        "answer or tap a button."
    ),
    # WhatsApp: plain words instead of /commands, button labels of at most 20 characters
    "welcome_consent@whatsapp": (
        "Hi! I'm JobScout. I look for jobs that fit you and send them to you here.\n\n"
        "Privacy notice (version {version}): if you agree, I store your phone number, the answers "
        "you give me and, if you send one, your resume (encrypted). I use them only to find and "
        "send you matching jobs. At any time, write \"privacy\" to see your consent, \"export\" to "
        "download everything and \"delete\" to erase it all.\n\n"
        "Do you agree that I process your profile and send you job messages?"
    ),
    "consent_declined@whatsapp": (
        "No problem. I have not stored anything about you. If you change your mind, just write "
        "to me again. Goodbye!"
    ),
    "help@whatsapp": (
        "I send you jobs that fit your profile. Write one of these words at any time:\n"
        "menu – everything I can do\nhelp – this message\n"
        "pause – stop alerts; resume – start them again\n"
        "privacy – see or withdraw your consent\n"
        "export – download everything I hold about you\ndelete – erase all your data\n"
        "You can also type a number instead of tapping an option."
    ),
    "paused@whatsapp": "Alerts paused. Write \"resume\" whenever you want them back.",
    "messages_withdrawn@whatsapp": (
        "Done: I won't send you job messages any more. Your profile stays; write \"resume\" to "
        "give consent again."
    ),
    "deleted@whatsapp": (
        "Everything about you has been deleted. Goodbye! Write to me again if you ever want to "
        "come back."
    ),
    "onboarding_paused@whatsapp": (
        "Okay, let's stop here. Write to me whenever you want to continue."
    ),
    "btn_intern@whatsapp": "Intern/student",
    "btn_lead@whatsapp": "Lead/manager",
    "btn_principal@whatsapp": "Principal/director",
    "btn_daily@whatsapp": "Daily",
    "btn_weekly@whatsapp": "Weekly",
    "btn_no_quiet@whatsapp": "No quiet hours",
    "btn_employment_contract@whatsapp": "Contract/freelance",
    "btn_withdraw_messages@whatsapp": "Stop job messages",
    "btn_withdraw_all@whatsapp": "Withdraw & delete",
    "btn_delete_yes@whatsapp": "Yes, delete all",
    "btn_delete_no@whatsapp": "No, keep my data",
    "btn_job_applied@whatsapp": "I applied",
    "btn_job_why@whatsapp": "Why this match?",
    "btn_move_interviewing@whatsapp": "Got an interview",
    # --- linking chats and e-mail (/link, /channels, /email) ---
    "link_code_issued": (
        "Your link code: {code}\n\nIn the other chat (Telegram or WhatsApp), send:\n"
        "/link {code}\n\nIt works once and expires in {minutes} minutes."
    ),
    "link_code_invalid": "That is not a link code. Codes look like K7QX2M: send /link K7QX2M.",
    "link_code_wrong": (
        "That code does not work: it may be mistyped, used already or expired. Ask for a new "
        "one with /link in the chat you already use."
    ),
    "link_throttled": "Too many tries. Wait {minutes} minutes and try again.",
    "link_same_person": "These chats are already linked. /channels shows them.",
    "link_channel_taken": (
        "You already have a {channel} chat linked. Unlink it in /channels first."
    ),
    "link_conflict": (
        "Both chats have a profile. Which one do you want to keep? The other one is deleted; "
        "nothing is merged."
    ),
    "btn_keep_here": "Keep this one",
    "btn_keep_other": "Keep the other",
    "link_conflict_expired": "That choice has expired. Send /link in one chat to start again.",
    "link_done": "Linked. {channels}\n\n/channels changes where alerts go.",
    "channels_header": "Your channels, in the order I try them:",
    "channels_line": "{position}. {channel}",
    "channels_preferred": "{position}. {channel} – gets your alerts",
    "channels_fallback_note": (
        "If I cannot reach you on one, the message goes to the next one, once."
    ),
    "channels_only_one": (
        "You use JobScout only here. /link links another chat (Telegram, WhatsApp); "
        "/email adds an e-mail address."
    ),
    "btn_prefer": "Alerts to {channel}",
    "btn_unlink": "Unlink {channel}",
    "btn_link_new": "Link another chat",
    "btn_email_remove": "Remove e-mail",
    "channel_preferred": "Alerts now go to {channel} first.",
    "channel_unlinked": (
        "{channel} is unlinked. It starts fresh; your profile stays with your other chats."
    ),
    "channel_unlink_last": "This is your only chat: there is nothing to unlink it from.",
    "channel_not_linked": "{channel} is not linked.",
    "channel_name_telegram": "Telegram",
    "channel_name_whatsapp": "WhatsApp",
    "channel_name_email": "E-mail",
    "channel_name_console": "Terminal",
    "email_ask": (
        "Which e-mail address should get your jobs? I will mail it a code to check it is yours. "
        "/cancel to go back."
    ),
    "email_ask_again": "Please send one e-mail address, like ana@example.org, or /cancel.",
    "email_code_ask": "Type the 6-digit code from the e-mail here.",
    "email_code_ask_again": "Please type the 6-digit code from the e-mail, or /cancel.",
    "email_not_understood": (
        "Send /email with an address (/email ana@example.org), the code from the e-mail "
        "(/email 123456), or /email remove."
    ),
    "email_off": "E-mail is not switched on for this JobScout.",
    "email_invalid": "That address does not look right. Please check it and send it again.",
    "email_code_sent": (
        "I sent a code to {address}. Type it here; it expires in {minutes} minutes. Nothing else "
        "goes to that address until you confirm it."
    ),
    "email_send_failed": "I could not send the e-mail. Please check the address or try later.",
    "email_in_use": "That address belongs to another JobScout profile.",
    "email_verified": "{address} is confirmed. {channels}",
    "email_code_wrong": (
        "That code is not right or has expired. Type /email followed by the code, or /email to "
        "start over."
    ),
    "email_removed": "The e-mail address is removed; nothing more goes there.",
    "email_none": "You have no e-mail address with me. /email adds one.",
    "email_already": "{address} is already confirmed.",
}
