"""Spanish texts (neutral Spanish, "tú"); exactly the keys and placeholders of the English set."""

TEXTS: dict[str, str] = {
    # consent
    "welcome_consent": (
        "¡Hola! Soy JobScout. Busco empleos que encajen contigo y te los envío por aquí.\n\n"
        "Aviso de privacidad (versión {version}): si aceptas, guardo tu ID de chat, las "
        "respuestas que me des y, si me lo envías, tu currículum (cifrado). Solo los uso para "
        "buscarte y enviarte empleos adecuados. En cualquier momento puedes ver tu consentimiento "
        "con /privacy, descargar todo con /export y borrarlo todo con /delete.\n\n"
        "¿Aceptas que procese tu perfil y te envíe mensajes con ofertas de empleo?"
    ),
    "btn_consent_yes": "Sí, acepto",
    "btn_consent_no": "No, gracias",
    "consent_declined": (
        "No hay problema. No he guardado nada sobre ti. Si cambias de opinión, envía /start. "
        "¡Hasta luego!"
    ),
    "consent_needed": "Antes de poder ayudarte, responde la pregunta de privacidad de abajo.",
    "consent_thanks": (
        "¡Gracias! Tu consentimiento ha quedado registrado (versión del aviso {version})."
    ),
    "nothing_stored": (
        "No tengo ningún dato tuyo, así que no hay nada que mostrar, exportar ni borrar."
    ),
    # onboarding questions
    "ask_roles": (
        "¿Qué empleos buscas? Escribe uno o varios puestos, separados por comas "
        "(por ejemplo: Desarrollador Backend, Ingeniero de Datos)."
    ),
    "invalid_roles": (
        "Necesito al menos un puesto (de 2 a 80 caracteres, hasta 10 puestos, separados por "
        "comas). Por ejemplo: Enfermero, Auxiliar de enfermería."
    ),
    "ask_work_mode": "¿Cómo quieres trabajar?",
    "btn_remote": "Remoto",
    "btn_hybrid": "Híbrido",
    "btn_onsite": "Presencial",
    "btn_any": "Cualquiera",
    "invalid_work_mode": "Elige remoto, híbrido, presencial o cualquiera (o toca un botón).",
    "ask_locations": (
        "¿Dónde quieres trabajar? Escribe países o ciudades, separados por comas "
        "(por ejemplo: Madrid, Barcelona), o toca \"Cualquier lugar\"."
    ),
    "btn_anywhere": "Cualquier lugar",
    "invalid_locations": (
        "No entendí ese lugar. Escribe hasta 10 países o ciudades separados por comas, o toca "
        "\"Cualquier lugar\"."
    ),
    "ask_seniority": "¿Cuál es tu nivel de experiencia?",
    "btn_intern": "Prácticas / estudiante",
    "btn_junior": "Júnior",
    "btn_mid": "Intermedio",
    "btn_senior": "Sénior",
    "btn_lead": "Líder / gerente",
    "btn_principal": "Principal / directivo",
    "invalid_seniority": "Elige tu nivel con uno de los botones.",
    "ask_salary": (
        "¿Cuál es el salario más bajo que aceptarías? Escribe una cantidad y una moneda, por "
        "ejemplo 60000 EUR, 4.500 € al mes o 55 $/hora. También puedes omitir esta pregunta."
    ),
    "btn_skip": "Omitir",
    "invalid_salary": (
        "Esa cantidad no parece correcta. Escribe un número y una moneda, por ejemplo "
        "60000 EUR o 4500 EUR al mes, o toca \"Omitir\"."
    ),
    "invalid_salary_currency": (
        "¿Qué moneda es? Añádela, por ejemplo 60000 EUR o 120.000 $."
    ),
    "ask_resume": (
        "Ahora tu currículum: envíalo como archivo PDF o DOCX (hasta 10 MB), pega aquí el texto "
        "o toca \"Omitir\"."
    ),
    "resume_reading": "¡Gracias! Estoy leyendo tu currículum, tardo un momento.",
    "resume_wait": "Todavía estoy leyendo tu currículum, un momento, por favor.",
    "resume_photo": (
        "No puedo leer fotos ni imágenes. Envía tu currículum como documento PDF o DOCX, "
        "o pega el texto."
    ),
    "resume_too_large": (
        "Ese archivo es demasiado grande (el límite es {limit} MB). Envía un PDF o DOCX más "
        "pequeño, o pega el texto."
    ),
    "resume_not_document": "Envía un archivo PDF o DOCX, pega el texto o toca \"Omitir\".",
    "resume_text_too_short": (
        "Es bastante corto para ser un currículum. Pega el texto completo, envía un archivo PDF "
        "o DOCX, o toca \"Omitir\"."
    ),
    "resume_failed_too_large": (
        "Ese archivo es demasiado grande (el límite es {limit} MB). Envía un archivo más pequeño "
        "o pega el texto."
    ),
    "resume_failed_unsupported_type": (
        "Ese archivo no es un documento PDF ni DOCX. Envía uno de esos formatos o pega el texto."
    ),
    "resume_failed_corrupt": (
        "No pude abrir ese archivo: parece estar dañado. Envíalo de nuevo o pega el texto."
    ),
    "resume_failed_too_complex": (
        "Ese archivo es demasiado complejo para mí: al descomprimirlo ocupa mucho más de lo que "
        "necesita un currículum. Envía un PDF o DOCX más sencillo, o pega el texto."
    ),
    "resume_failed_encrypted": (
        "Ese PDF está protegido con contraseña, así que no puedo leerlo. Envía una copia sin "
        "contraseña o pega el texto."
    ),
    "resume_failed_empty": "Ese archivo no contiene texto. Envía otro archivo o pega el texto.",
    "resume_failed_scanned": (
        "Parece un documento escaneado: tiene imágenes pero ningún texto que yo pueda leer. "
        "Envía un PDF con texto o un archivo DOCX, o pega el texto."
    ),
    "resume_failed_download": (
        "Ahora mismo no pude descargar ese archivo. Intenta enviarlo de nuevo o pega el texto."
    ),
    "resume_summary": (
        "Esto es lo que leí en tu currículum:\n"
        "• Habilidades: {skills}\n"
        "• Años de experiencia: {years}\n"
        "• Último puesto: {title}\n\n"
        "¿Es correcto?"
    ),
    "not_found": "no encontrado",
    "btn_resume_ok": "Todo correcto",
    "btn_fix_skills": "Corregir habilidades",
    "btn_fix_title": "Corregir puesto",
    "btn_fix_years": "Corregir años",
    "invalid_resume_confirm": "Confirma con \"Todo correcto\" o elige qué quieres corregir.",
    "ask_skills": (
        "Escribe tus habilidades, separadas por comas (por ejemplo: Python, SQL, Kubernetes)."
    ),
    "invalid_skills": "Escribe al menos una habilidad; si son varias, sepáralas con comas.",
    "ask_title": "¿Cuál es tu puesto actual o el último que tuviste?",
    "invalid_title": "Escribe un puesto de 2 a 80 caracteres.",
    "ask_years": "¿Cuántos años de experiencia laboral tienes? Escribe un número, por ejemplo 6.",
    "invalid_years": "Escribe los años como un número entre 0 y 60, por ejemplo 6.",
    "ask_frequency": "¿Con qué frecuencia quieres que te envíe empleos?",
    "btn_instant": "Al instante",
    "btn_daily": "Resumen diario",
    "btn_weekly": "Resumen semanal",
    "invalid_frequency": "Elige al instante, diario o semanal.",
    "ask_timezone": (
        "¿En qué zona horaria estás? Escribe una ciudad o una zona como Europe/Madrid o UTC+2."
    ),
    "invalid_timezone": (
        "No conozco esa zona horaria. Prueba con una ciudad grande cercana (por ejemplo Madrid), "
        "un nombre de zona como America/New_York o una diferencia horaria como UTC-5."
    ),
    "ask_quiet_hours": (
        "¿Cuándo prefieres que no te escriba? Escribe un horario como 22-7 o toca un botón."
    ),
    "btn_quiet_default": "22:00–07:00",
    "btn_no_quiet": "Sin horas de silencio",
    "invalid_quiet_hours": (
        "Escribe las horas de silencio como dos horas del día, por ejemplo 22-7."
    ),
    # the first batch right after onboarding or a /prefs change
    "first_batch_found": (
        "He encontrado {count} empleos activos que encajan contigo ahora mismo. Estos son los "
        "{shown} mejores:"
    ),
    "first_batch_none_fit": (
        "Ahora mismo hay {total} empleos activos, pero ninguno encaja todavía con tus "
        "preferencias. Te escribiré en cuanto haya uno."
    ),
    "first_batch_no_jobs": (
        "Todavía no hay empleos: un administrador tiene que añadir fuentes de empleo. Te "
        "escribiré en cuanto lleguen empleos que encajen."
    ),
    "demo_job": "Empleo de demostración",
    "demo_note": (
        "Los empleos de demostración son ejemplos inventados para que pruebes JobScout; no son "
        "ofertas reales."
    ),
    # done, menu and profile
    "done": "¡Listo! Te enviaré empleos que encajen contigo. Este es tu perfil:\n\n{summary}",
    "profile_summary": (
        "• Puestos: {roles}\n• Modalidad: {modes}\n• Ubicaciones: {locations}\n"
        "• Nivel: {seniority}\n• Salario mínimo: {salary}\n• Tipo de contrato: {employment}\n"
        "• Habilidades: {skills}\n{more}• Alertas: {frequency}\n• Zona horaria: {timezone}\n"
        "• Horas de silencio: {quiet}\n• Estado: {status}"
    ),
    # preferencias solo en /prefs: idiomas, licencias, radio de desplazamiento, empleos de reto
    "btn_pref_languages": "Idiomas",
    "btn_pref_licences": "Licencias",
    "btn_pref_commute": "Radio de distancia",
    "btn_pref_stretch": "Empleos de reto",
    "btn_prefs_more": "Más…",
    "btn_prefs_back": "Atrás",
    "prefs_choose_more": "Más ajustes: ¿cuál quieres cambiar?",
    "ask_languages": (
        "¿Qué idiomas hablas y con qué nivel? Escríbelos separados por comas, por ejemplo: "
        "español nativo, inglés C1, alemán básico. Sin nivel, anoto un nivel intermedio (B1–B2)."
    ),
    "invalid_languages": (
        "No he reconocido ningún idioma. Escribe cada idioma, con su nivel si quieres, separados "
        "por comas, por ejemplo: español nativo, inglés intermedio."
    ),
    "btn_languages_none": "Sin indicar",
    "ask_licences": (
        "¿Qué licencias o certificaciones tienes? Escríbelas separadas por comas, por ejemplo: "
        "carné de conducir B, carné de carretillero, colegiación de enfermería."
    ),
    "invalid_licences": (
        "Escribe hasta 20 licencias o certificaciones de 2 a 80 caracteres, separadas por comas, "
        "por ejemplo: carné de conducir B. O elige Ninguna."
    ),
    "btn_licences_none": "Ninguna",
    "ask_commute": (
        "¿Hasta qué distancia te desplazarías? Escribe una distancia y un lugar, por ejemplo: a "
        "15 km de Valencia."
    ),
    "invalid_commute": (
        "Escribe una distancia y un lugar, por ejemplo: a 15 km de Valencia o 20 km Madrid."
    ),
    "invalid_commute_radius": (
        "La distancia debe estar entre 1 y 500 km, por ejemplo: a 15 km de Valencia."
    ),
    "invalid_commute_place": (
        "No conozco ese lugar. Escribe una ciudad o un pueblo, por ejemplo: a 15 km de Valencia."
    ),
    "btn_commute_none": "Sin radio",
    "ask_stretch": (
        "¿Te envío también empleos que sean un reto: con una habilidad clave que aún no tienes? "
        "Los marcaré como reto."
    ),
    "invalid_stretch": "Responde sí o no, por favor.",
    "btn_stretch_yes": "Sí, envíalos",
    "btn_stretch_no": "No, gracias",
    "label_languages": "Idiomas",
    "label_licences": "Licencias",
    "label_commute": "Desplazamiento",
    "label_stretch": "Empleos de reto",
    "commute_value": "a {radius} km de {place}",
    "stretch_on": "sí, marcados como reto",
    "level_basic": "básico",
    "level_working": "intermedio",
    "level_fluent": "fluido",
    "level_native": "nativo",
    "resume_prefilled": (
        "También he tomado esto de tu currículum:\n{fields}\n"
        "Puedes cambiarlo en «Cambiar preferencias»."
    ),
    "status_active": "activo",
    "status_paused": "en pausa",
    "anywhere": "cualquier lugar",
    "none": "ninguno",
    "salary_value": "{amount} {currency} por {period}",
    "period_year": "año",
    "period_month": "mes",
    "period_hour": "hora",
    "quiet_value": "{start}:00–{end}:00",
    "menu": "¿Qué quieres hacer?",
    "btn_menu_prefs": "Cambiar preferencias",
    "btn_menu_resume": "Cambiar currículum",
    "btn_menu_frequency": "Frecuencia",
    "btn_menu_pause": "Pausar alertas",
    "btn_menu_unpause": "Reanudar alertas",
    "btn_menu_language": "Idioma",
    "btn_menu_privacy": "Privacidad",
    "btn_menu_export": "Exportar mis datos",
    "btn_menu_delete": "Borrar mis datos",
    "prefs_choose": "¿Qué respuesta quieres cambiar?\n\n{summary}",
    "btn_pref_roles": "Puestos",
    "btn_pref_work_mode": "Modalidad",
    "btn_pref_locations": "Ubicaciones",
    "btn_pref_seniority": "Nivel",
    "btn_pref_salary": "Salario mínimo",
    "btn_pref_resume": "Currículum",
    "btn_pref_frequency": "Frecuencia",
    "btn_pref_timezone": "Zona horaria",
    "btn_pref_quiet_hours": "Horas de silencio",
    "btn_pref_employment_type": "Tipo de contrato",
    "saved": "Guardado.",
    "finish_onboarding_first": "Primero terminemos de configurar tu perfil.",
    "welcome_back": "¡Hola de nuevo!",
    "help": (
        "Te envío empleos que encajan con tu perfil. Comandos:\n"
        "/menu – menú principal\n/prefs – cambiar una respuesta\n/resume – cambiar tu currículum\n"
        "/frequency – cada cuánto te envío empleos\n"
        "/applications – los empleos que guardaste o a los que te postulaste\n"
        "/pause y /unpause – detener o reanudar las alertas\n"
        "/link – usar JobScout también en otro chat\n/channels – adónde van los empleos\n"
        "/email – recibir empleos también por correo\n"
        "/language – cambiar el idioma\n/privacy – ver o retirar tu consentimiento\n"
        "/export – descargar todo lo que tengo sobre ti\n/delete – borrar todos tus datos\n"
        "/cancel – cancelar la pregunta actual"
    ),
    "paused": "Alertas en pausa. Envía /unpause cuando quieras reactivarlas.",
    "unpaused": "Las alertas vuelven a estar activas.",
    "privacy_status": (
        "Aviso de privacidad, versión {version}. Tus consentimientos:\n{records}\n\n"
        "Puedes retirar tu consentimiento para los mensajes de empleo (tu perfil se conserva) o "
        "retirar todo tu consentimiento, lo que borra todo lo que tengo sobre ti."
    ),
    "consent_line": "• {purpose}: {state} el {at} (versión {version})",
    "purpose_profile_processing": "Tratamiento de tu perfil",
    "purpose_job_messages": "Recepción de mensajes de empleo",
    "consent_granted": "otorgado",
    "consent_withdrawn": "retirado",
    "btn_withdraw_messages": "Detener mensajes de empleo",
    "btn_withdraw_all": "Retirar todo y borrar",
    "messages_withdrawn": (
        "Hecho: ya no te enviaré mensajes de empleo. Tu perfil se conserva; envía /unpause para "
        "volver a dar tu consentimiento."
    ),
    "export_preparing": "Preparando la exportación de tus datos...",
    "export_caption": "Todo lo que JobScout tiene sobre ti, en formato JSON.",
    "confirm_delete": (
        "Esto borra tu perfil, tu currículum, tus respuestas, tus consentimientos y los mensajes "
        "pendientes. No se puede deshacer. ¿Borrar todo?"
    ),
    "btn_delete_yes": "Sí, borrar todo",
    "btn_delete_no": "No, conservar mis datos",
    "deleted": (
        "Se han borrado todos tus datos. ¡Hasta luego! Envía /start si algún día quieres volver."
    ),
    "delete_cancelled": "No se ha borrado nada.",
    "cancelled": "Cancelado; no se ha cambiado nada.",
    "onboarding_paused": "De acuerdo, lo dejamos aquí. Envía /start cuando quieras continuar.",
    "group_only_private": (
        "¡Hola! JobScout solo funciona en chats privados. Escríbeme directamente para recibir "
        "alertas de empleo."
    ),
    "edited": (
        "No tengo en cuenta los mensajes editados. Vuelve a enviar tu respuesta como un "
        "mensaje nuevo."
    ),
    "unsupported": (
        "Este tipo de mensaje no es compatible aquí. Escribe tu respuesta o toca un botón."
    ),
    "stale_button": "Ese botón pertenece a una pregunta anterior.",
    "choose_language": "Elige tu idioma:",
    "language_set": "Idioma cambiado a español.",
    "reachable_again": "¡Hola de nuevo! Tus alertas vuelven a estar activas.",
    # employment type (offered in /prefs)
    "ask_employment_type": (
        "¿Qué tipo de contrato buscas? Toca uno o escribe varios separados por comas "
        "(por ejemplo: tiempo completo, freelance)."
    ),
    "invalid_employment_type": (
        "Elige tiempo completo, medio tiempo, freelance, prácticas o cualquiera (o toca un botón)."
    ),
    "btn_employment_full_time": "Tiempo completo",
    "btn_employment_part_time": "Medio tiempo",
    "btn_employment_contract": "Freelance / por proyecto",
    "btn_employment_temporary": "Temporal",
    "btn_employment_internship": "Prácticas",
    "btn_employment_apprenticeship": "Formación dual",
    "btn_employment_volunteer": "Voluntariado",
    "btn_employment_other": "Otro",
    "employment_any": "cualquiera",
    # matches: job cards
    "unknown_company": "Empresa sin nombre",
    "job_location_unknown": "Ubicación no indicada",
    "more": "y {count} más",
    "salary_from": "desde {amount}",
    "salary_up_to": "hasta {amount}",
    "per_hour": "por hora",
    "per_day": "al día",
    "per_week": "a la semana",
    "per_month": "al mes",
    "per_year": "al año",
    "job_missing": "Te falta: {skills}",
    "reason_salary_meets": "El salario cumple tu mínimo",
    "reason_salary_overlaps": "La parte alta del rango llega a tu mínimo",
    "reason_remote": "Remoto desde donde estás",
    "reason_city": "En tu ciudad",
    "reason_country": "En tu país",
    "reason_title": "Un puesto que buscas",
    "reason_level": "Tu nivel",
    "btn_job_apply": "Postularme",
    "btn_job_save": "Guardar",
    "btn_job_applied": "Ya me postulé",
    "btn_job_why": "¿Por qué este empleo?",
    "btn_job_not_interested": "No me interesa",
    # matches: why this match
    "why_header": "Por qué «{title}» en {company} encaja contigo: {score} % de coincidencia",
    "why_skills_have": "✓ Habilidades que tienes: {skills}",
    "why_skills_missing": "✗ Requisitos que te faltan: {skills}",
    "why_nice_missing": "○ Deseables que te faltan: {skills}",
    "why_no_gap": "✓ Cumples todos los requisitos que pide la oferta.",
    "why_no_skills": "La oferta no menciona habilidades concretas.",
    "why_title_yes": "• Puesto: uno de los que buscas",
    "why_title_no": "• Puesto: no es uno de los que buscas, pero el trabajo encaja",
    "why_salary_meets": "• Salario: {salary}, cumple tu mínimo",
    "why_salary_overlaps": "• Salario: {salary}, solo la parte alta del rango llega a tu mínimo",
    "why_salary_below": "• Salario: {salary}, por debajo de tu mínimo",
    "why_salary_unknown": "• Salario: {salary}",
    "why_salary_none": "• Salario: no indicado",
    "why_location_remote": "• Ubicación: {where}, abierto a donde estás",
    "why_location_city": "• Ubicación: {where}, una de tus ciudades",
    "why_location_country": "• Ubicación: {where}, en un país que elegiste",
    "why_location_anywhere": "• Ubicación: {where}; te vale cualquier lugar",
    "why_location_other": "• Ubicación: {where}",
    # send gates (why this match: nearby, adjacent role, stretch, languages, licences)
    "reason_nearby": "Cerca de tu ciudad",
    "reason_stretch": "Reto: un stack principal nuevo",
    "why_location_nearby": "• Ubicación: {where}, a {km} km de {near}",
    "why_adjacent": (
        "• Puesto: «{title}» está al lado de lo que buscas, y tienes {have} de sus {of} "
        "conocimientos requeridos"
    ),
    "why_stretch": (
        "• Reto: su stack principal ({skills}) es nuevo para ti; te lo enviamos porque pediste "
        "ofertas de reto"
    ),
    "why_languages": "• Idiomas que pide: {languages}; los hablas",
    "why_licences": "• Licencias que pide: {licences}; las tienes",
    "why_level_exact": "• Nivel: {level}, el mismo que el tuyo",
    "why_level_near": "• Nivel: {level}, cercano al tuyo",
    "why_level_plain": "• Nivel: {level}",
    "why_level_unknown": "• Nivel: no indicado",
    # matches: not interested, save, applied
    "ni_question": "¿Qué prefieres no ver más?",
    "btn_ni_job": "Solo este empleo",
    "btn_ni_company": "Empleos en {company}",
    "btn_ni_kind": "Este tipo de puesto",
    "ni_job_done": "Entendido, no volveré a mostrarte «{title}».",
    "ni_company_done": "De acuerdo, no más empleos de {company}.",
    "ni_kind_done": "Entendido: te mostraré menos puestos como «{title}».",
    "this_company": "esta empresa",
    "saved_job": "Guardé «{title}». Lo encontrarás en tus postulaciones.",
    "applied_job": (
        "¡Mucha suerte! Marqué «{title}» como postulado. Más adelante te preguntaré si tuviste "
        "noticias."
    ),
    "btn_apps": "Mis postulaciones",
    "job_gone": "Ese empleo ya no está disponible: se cubrió, se cerró o se retiró.",
    # matches: digests
    "digest_daily_one": "Tu resumen diario: 1 empleo nuevo que encaja contigo.",
    "digest_daily_many": "Tu resumen diario: {count} empleos nuevos que encajan contigo.",
    "digest_weekly_one": "Tu resumen semanal: 1 empleo nuevo que encaja contigo.",
    "digest_weekly_many": "Tu resumen semanal: {count} empleos nuevos que encajan contigo.",
    "digest_one": "1 empleo nuevo que encaja contigo.",
    "digest_many": "{count} empleos nuevos que encajan contigo.",
    "digest_none": "Esta vez no hay empleos nuevos que encajen contigo.",
    # matches: the application tracker
    "stage_saved": "Guardado",
    "stage_applied": "Postulado",
    "stage_interviewing": "En entrevistas",
    "stage_offer": "Oferta",
    "stage_rejected": "Descartado",
    "apps_summary": "Tus postulaciones ({total}):",
    "apps_showing": "Te muestro las {shown} más relevantes.",
    "apps_empty": (
        "Todavía no sigues ninguna postulación. Toca «{save}» debajo de un empleo para tenerlo "
        "aquí, o «{applied}» cuando te postules: te ayudo a llevar la cuenta y a hacer "
        "seguimiento."
    ),
    "apps_entry_since": "{stage} desde el {date}",
    "date_format": "{day}/{month}/{year}",
    "btn_move_interviewing": "Tengo entrevista",
    "btn_move_offer": "Recibí una oferta",
    "btn_move_rejected": "Me descartaron",
    "btn_move_remove": "Quitar",
    "moved_saved": "«{title}» vuelve a estar entre tus guardados.",
    "moved_applied": "Marqué «{title}» como postulado.",
    "moved_interviewing": "¡Una entrevista para «{title}», genial! Mucha suerte.",
    "moved_offer": "¡Una oferta para «{title}», enhorabuena!",
    "moved_rejected": "Lo siento por «{title}». A por la siguiente: sigo buscando para ti.",
    "moved_removed": "Quité «{title}» de tus postulaciones.",
    # matches: did you hear back?
    "followup_question": "¿Tuviste noticias sobre «{title}» en {company}?",
    "followup_question_plain": "¿Tuviste noticias sobre «{title}»?",
    "btn_heard_waiting": "Todavía no",
    "heard_waiting": (
        "Es normal no tener noticias todavía. ¡Crucemos los dedos! Puedes actualizarlo cuando "
        "quieras en tus postulaciones."
    ),
    # a place the city table does not know
    "location_unknown": "No conozco «{place}». ¿Querías decir alguno de estos?",
    "location_unknown_no_match": (
        "No conozco «{place}». Escríbelo de otra forma o déjalo tal como lo escribiste."
    ),
    "btn_keep_place": "Dejarlo así",
    # skills, one at a time (offered in /prefs)
    "btn_pref_skills": "Habilidades",
    "ask_skill_edit": (
        "Tus habilidades: {skills}\n\n"
        "Escribe + y una habilidad para añadirla, o - y una habilidad para quitarla (por "
        "ejemplo: + Kubernetes, - Java), o toca una habilidad abajo para quitarla."
    ),
    "invalid_skill_edit": (
        "Escribe + y una habilidad para añadirla, o - y una de tus habilidades para quitarla, "
        "por ejemplo: + Kubernetes, - Java."
    ),
    "btn_remove_skill": "✕ {skill}",
    "btn_restart": "Empezar de nuevo",
    # the terminal: typed numbers and file paths instead of taps and uploads
    "consent_declined@console": (
        "No hay problema. No he guardado nada sobre ti. Si cambias de opinión, escribe /start."
        " ¡Adiós!"
    ),
    "invalid_work_mode@console": (
        "Elige remoto, híbrido, presencial o cualquiera (o escribe el número de una opción)."
    ),
    "ask_locations@console": (
        "¿Dónde quieres trabajar? Escribe países o ciudades, separados por comas "
        "(por ejemplo: Madrid, Barcelona), o escribe el número de \"Cualquier lugar\"."
    ),
    "invalid_locations@console": (
        "No entendí ese lugar. Escribe hasta 10 países o ciudades separados por comas, o "
        "escribe el número de \"Cualquier lugar\"."
    ),
    "invalid_seniority@console": "Escribe el número de tu nivel.",
    "invalid_salary@console": (
        "Esa cantidad no parece correcta. Escribe un número y una moneda, por ejemplo "
        "60000 EUR o 4500 EUR al mes, o escribe el número de \"Omitir\"."
    ),
    "ask_resume@console": (
        "Ahora tu currículum: escribe la ruta de tu currículum (un archivo PDF o DOCX, hasta "
        "10 MB), pega aquí el texto o escribe el número de \"Omitir\"."
    ),
    "resume_photo@console": (
        "No puedo leer fotos ni imágenes. Escribe la ruta de tu currículum en PDF o DOCX, "
        "o pega el texto."
    ),
    "resume_too_large@console": (
        "Ese archivo es demasiado grande (el límite es {limit} MB). Escribe la ruta de un PDF o "
        "DOCX más pequeño, o pega el texto."
    ),
    "resume_not_document@console": (
        "Escribe la ruta de tu currículum (un archivo PDF o DOCX), pega el texto o escribe el "
        "número de \"Omitir\"."
    ),
    "resume_text_too_short@console": (
        "Es bastante corto para ser un currículum. Pega el texto completo, escribe la ruta de tu "
        "currículum (PDF o DOCX) o escribe el número de \"Omitir\"."
    ),
    "resume_failed_too_large@console": (
        "Ese archivo es demasiado grande (el límite es {limit} MB). Escribe la ruta de un "
        "archivo más pequeño o pega el texto."
    ),
    "resume_failed_unsupported_type@console": (
        "Ese archivo no es un documento PDF ni DOCX. Escribe la ruta de uno de esos formatos o "
        "pega el texto."
    ),
    "resume_failed_corrupt@console": (
        "No pude abrir ese archivo: parece estar dañado. Escribe la ruta de otra copia o pega "
        "el texto."
    ),
    "resume_failed_too_complex@console": (
        "Ese archivo es demasiado complejo para mí: al descomprimirlo ocupa mucho más de lo que "
        "necesita un currículum. Escribe la ruta de un PDF o DOCX más sencillo, o pega el texto."
    ),
    "resume_failed_encrypted@console": (
        "Ese PDF está protegido con contraseña, así que no puedo leerlo. Escribe la ruta de una "
        "copia sin contraseña o pega el texto."
    ),
    "resume_failed_empty@console": (
        "Ese archivo no contiene texto. Escribe la ruta de otro archivo o pega el texto."
    ),
    "resume_failed_scanned@console": (
        "Parece un documento escaneado: tiene imágenes pero ningún texto que yo pueda leer. "
        "Escribe la ruta de un PDF con texto o de un archivo DOCX, o pega el texto."
    ),
    "resume_failed_download@console": (
        "Ahora mismo no pude leer ese archivo. Escribe la ruta de nuevo o pega el texto."
    ),
    "ask_quiet_hours@console": (
        "¿Cuándo prefieres que no te escriba? Escribe un horario como 22-7 o el número de una "
        "opción."
    ),
    "unsupported@console": "Puedo leer texto, números de opción y rutas de archivos PDF o DOCX.",
    "stale_button@console": "Esa opción pertenece a una pregunta anterior.",
    "ask_employment_type@console": (
        "¿Qué tipo de contrato buscas? Escribe el número de una opción, o varios números o "
        "nombres separados por comas (por ejemplo: 1, 3 o tiempo completo, freelance)."
    ),
    "invalid_employment_type@console": (
        "Elige tiempo completo, medio tiempo, freelance, prácticas o cualquiera (o escribe los "
        "números de las opciones)."
    ),
    "ask_skill_edit@console": (
        "Tus habilidades: {skills}\n\n"
        "Escribe + y una habilidad para añadirla, o - y una habilidad para quitarla (por "
        "ejemplo: + Kubernetes, - Java), o escribe abajo el número de una habilidad para "
        "quitarla."
    ),
    # WhatsApp y mensajes que no son texto
    "btn_menu_help": "Ayuda",
    "photo_not_text": "Aquí solo puedo leer texto: escribe tu respuesta, por favor.",
    "unsupported_resume": (
        "No puedo leer este tipo de mensaje. Envía tu currículum como documento PDF o DOCX, "
        "pega su texto o toca \"Omitir\"."
    ),
    "location_shared": "Has compartido una ubicación cerca de {place}.",
    "location_help": (
        "Puedo usar una ubicación compartida cuando te pregunto dónde quieres trabajar. Aquí, "
        "escribe tu respuesta o toca un botón."
    ),
    # WhatsApp: palabras en lugar de /comandos, botones de 20 caracteres como máximo
    "welcome_consent@whatsapp": (
        "¡Hola! Soy JobScout. Busco empleos que encajen contigo y te los envío por aquí.\n\n"
        "Aviso de privacidad (versión {version}): si aceptas, guardo tu número de teléfono, las "
        "respuestas que me des y, si me lo envías, tu currículum (cifrado). Solo los uso para "
        "buscarte y enviarte empleos adecuados. En cualquier momento puedes escribir "
        "\"privacidad\" para ver tu consentimiento, \"exportar\" para descargarlo todo y "
        "\"borrar\" para borrarlo todo.\n\n"
        "¿Aceptas que procese tu perfil y te envíe mensajes con ofertas de empleo?"
    ),
    "consent_declined@whatsapp": (
        "No hay problema. No he guardado nada sobre ti. Si cambias de opinión, vuelve a "
        "escribirme. ¡Hasta luego!"
    ),
    "help@whatsapp": (
        "Te envío empleos que encajan con tu perfil. Escribe una de estas palabras cuando "
        "quieras:\n"
        "menú – todo lo que puedo hacer\nayuda – este mensaje\n"
        "pausar – detener las alertas; reanudar – volver a activarlas\n"
        "privacidad – ver o retirar tu consentimiento\n"
        "exportar – descargar todo lo que tengo sobre ti\nborrar – borrar todos tus datos\n"
        "En lugar de tocar una opción, también puedes escribir su número."
    ),
    "paused@whatsapp": "Alertas en pausa. Escribe \"reanudar\" cuando quieras reactivarlas.",
    "messages_withdrawn@whatsapp": (
        "Hecho: ya no te enviaré mensajes de empleo. Tu perfil se conserva; escribe \"reanudar\" "
        "para volver a dar tu consentimiento."
    ),
    "deleted@whatsapp": (
        "Se han borrado todos tus datos. ¡Hasta luego! Vuelve a escribirme si algún día quieres "
        "volver."
    ),
    "onboarding_paused@whatsapp": (
        "De acuerdo, lo dejamos aquí. Escríbeme cuando quieras continuar."
    ),
    "btn_intern@whatsapp": "Prácticas/estudios",
    "btn_lead@whatsapp": "Líder/gerente",
    "btn_principal@whatsapp": "Dirección",
    "btn_daily@whatsapp": "Diario",
    "btn_weekly@whatsapp": "Semanal",
    "btn_no_quiet@whatsapp": "Sin silencio",
    "btn_employment_contract@whatsapp": "Freelance/proyecto",
    "btn_withdraw_messages@whatsapp": "Detener mensajes",
    "btn_withdraw_all@whatsapp": "Retirar y borrar",
    "btn_delete_yes@whatsapp": "Sí, borrar todo",
    "btn_delete_no@whatsapp": "No, conservarlos",
    "btn_job_applied@whatsapp": "Ya me postulé",
    "btn_job_why@whatsapp": "¿Por qué encaja?",
    "btn_move_interviewing@whatsapp": "Tengo entrevista",
    # --- linking chats and e-mail (/link, /channels, /email) ---
    "link_code_issued": (
        "Tu código para vincular: {code}\n\nEn el otro chat (Telegram o WhatsApp), envía:\n"
        "/link {code}\n\nSirve una vez y caduca en {minutes} minutos."
    ),
    "link_code_invalid": (
        "Eso no es un código para vincular. Los códigos son así: K7QX2M; envía /link K7QX2M."
    ),
    "link_code_wrong": (
        "Ese código no funciona: puede estar mal escrito, usado o caducado. Pide uno nuevo con "
        "/link en el chat que ya usas."
    ),
    "link_throttled": "Demasiados intentos. Espera {minutes} minutos y vuelve a intentarlo.",
    "link_same_person": "Estos chats ya están vinculados. /channels los muestra.",
    "link_channel_taken": (
        "Ya tienes un chat de {channel} vinculado. Desvincúlalo primero en /channels."
    ),
    "link_conflict": (
        "Los dos chats tienen un perfil. ¿Cuál quieres conservar? El otro se borra; no se "
        "mezcla nada."
    ),
    "btn_keep_here": "Conservar este",
    "btn_keep_other": "El otro perfil",
    "link_conflict_expired": (
        "Esa elección ha caducado. Envía /link en uno de los chats para empezar de nuevo."
    ),
    "link_done": "Vinculado. {channels}\n\nCon /channels cambias adónde van los empleos.",
    "channels_header": "Tus canales, en el orden en que los pruebo:",
    "channels_line": "{position}. {channel}",
    "channels_preferred": "{position}. {channel} – recibe tus empleos",
    "channels_fallback_note": (
        "Si no te localizo en uno, el mensaje va una vez al siguiente."
    ),
    "channels_only_one": (
        "Usas JobScout solo aquí. /link vincula otro chat (Telegram, WhatsApp); /email añade "
        "una dirección de correo."
    ),
    "btn_prefer": "Empleos a {channel}",
    "btn_unlink": "Desvincular {channel}",
    "btn_link_new": "Vincular otro chat",
    "btn_email_remove": "Quitar el correo",
    "channel_preferred": "Ahora los empleos van primero a {channel}.",
    "channel_unlinked": (
        "{channel} está desvinculado y empieza de cero; tu perfil sigue con tus otros chats."
    ),
    "channel_unlink_last": "Es tu único chat: no hay nada de lo que desvincularlo.",
    "channel_not_linked": "{channel} no está vinculado.",
    "channel_name_telegram": "Telegram",
    "channel_name_whatsapp": "WhatsApp",
    "channel_name_email": "Correo",
    "channel_name_console": "Terminal",
    "email_ask": (
        "¿A qué dirección de correo envío tus empleos? Le mandaré un código para comprobar que "
        "es tuya. /cancel para volver."
    ),
    "email_ask_again": "Envía una dirección de correo, como ana@example.org, o /cancel.",
    "email_code_ask": "Escribe aquí el código de 6 cifras del correo.",
    "email_code_ask_again": "Escribe el código de 6 cifras del correo, o /cancel.",
    "email_not_understood": (
        "Envía /email con una dirección (/email ana@example.org), el código del correo "
        "(/email 123456) o /email quitar."
    ),
    "email_off": "El correo no está activado en este JobScout.",
    "email_invalid": "Esa dirección no parece correcta. Revísala y envíala de nuevo.",
    "email_code_sent": (
        "He enviado un código a {address}. Escríbelo aquí; caduca en {minutes} minutos. No "
        "envío nada más a esa dirección hasta que la confirmes."
    ),
    "email_send_failed": (
        "No pude enviar el correo. Revisa la dirección o inténtalo más tarde."
    ),
    "email_in_use": "Esa dirección pertenece a otro perfil de JobScout.",
    "email_verified": "{address} está confirmada. {channels}",
    "email_code_wrong": (
        "Ese código no es correcto o ha caducado. Envía /email seguido del código, o /email "
        "para empezar de nuevo."
    ),
    "email_removed": "La dirección de correo está quitada; no va nada más allí.",
    "email_none": "No tienes ninguna dirección de correo conmigo. /email añade una.",
    "email_already": "{address} ya está confirmada.",
}
