"""E-mail adapter: Reply → multipart e-mail (render), and SMTP delivery through aiosmtplib."""
