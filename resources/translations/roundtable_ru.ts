<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Roundtable</source>
        <translation>О программе Roundtable</translation>
    </message>
    <message>
        <source>Roundtable {0}</source>
        <translation>Roundtable {0}</translation>
    </message>
    <message>
        <source>A desktop chat for large language models: many providers, side by side. Roundtable is MIT-licensed; it runs on these libraries:</source>
        <translation>Настольный чат для больших языковых моделей: много провайдеров, бок о бок. Roundtable распространяется по лицензии MIT и работает на этих библиотеках:</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Библиотека</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Версия</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Лицензия</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>не указана</translation>
    </message>
</context>
<context>
    <name>AttachmentChip</name>
    <message>
        <source>Remove {name}</source>
        <translation>Убрать {name}</translation>
    </message>
</context>
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>Dismiss</source>
        <extracomment>One file to read: a path, or clipboard bytes with an optional name.</extracomment>
        <translation>Скрыть</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
    <message>
        <source>Images and text files (*.png *.jpg *.jpeg *.gif *.webp *.bmp *.txt *.md *.csv *.json *.py *.js *.ts *.html *.css *.yaml *.yml *.toml *.xml *.log)</source>
        <translation>Изображения и текстовые файлы (*.png *.jpg *.jpeg *.gif *.webp *.bmp *.txt *.md *.csv *.json *.py *.js *.ts *.html *.css *.yaml *.yml *.toml *.xml *.log)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Все файлы (*)</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Чтение…</translation>
    </message>
    <message>
        <source>{count} attached · ~{tokens} tokens</source>
        <translation>Вложений: {count} · токенов: ~{tokens}</translation>
    </message>
    <message>
        <source>About how many input tokens the attachments add to the message</source>
        <translation>Примерно столько входных токенов вложения добавят к сообщению</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Start a conversation</source>
        <extracomment>A banner button: its label and what a click does.</extracomment>
        <translation>Начните разговор</translation>
    </message>
    <message>
        <source>Ask {who} anything.</source>
        <translation>Спросите {who} о чём угодно.</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Скрыть</translation>
    </message>
</context>
<context>
    <name>BlindVoting</name>
    <message>
        <source>Voted: a tie.</source>
        <translation>Голос учтён: ничья.</translation>
    </message>
    <message>
        <source>Voted: both are bad.</source>
        <translation>Голос учтён: оба плохи.</translation>
    </message>
    <message>
        <source>Voted: Model {letter} ({title}) is better.</source>
        <translation>Голос учтён: модель {letter} ({title}) лучше.</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <source>Edit and resend this message</source>
        <translation>Изменить и отправить это сообщение заново</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Copy this message</source>
        <translation>Копировать это сообщение</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Рассуждает…</translation>
    </message>
    <message>
        <source>Show the reasoning</source>
        <translation>Показать рассуждения</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
    <message>
        <source>Stop this answer (Esc)</source>
        <translation>Остановить этот ответ (Esc)</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Send the request again</source>
        <translation>Отправить запрос ещё раз</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Ответить заново</translation>
    </message>
    <message>
        <source>Answer again</source>
        <translation>Получить новый ответ</translation>
    </message>
    <message>
        <source>Copy this answer as Markdown</source>
        <translation>Копировать ответ в формате Markdown</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>Рассуждения</translation>
    </message>
    <message>
        <source>{count} in</source>
        <translation>вход: {count}</translation>
    </message>
    <message>
        <source>{count} out</source>
        <translation>выход: {count}</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>остановлен</translation>
    </message>
    <message>
        <source>truncated</source>
        <translation>обрезан</translation>
    </message>
    <message>
        <source>filtered</source>
        <translation>отфильтрован</translation>
    </message>
</context>
<context>
    <name>ColumnSettings</name>
    <message>
        <source>Own system prompt</source>
        <translation>Свой системный промпт</translation>
    </message>
    <message>
        <source>Off: this column uses the shared system prompt</source>
        <translation>Выключено: колонка использует общий системный промпт</translation>
    </message>
    <message>
        <source>This column&apos;s system prompt</source>
        <translation>Системный промпт этой колонки</translation>
    </message>
    <message>
        <source>System prompt for this column only</source>
        <translation>Системный промпт только для этой колонки</translation>
    </message>
</context>
<context>
    <name>ColumnTexts</name>
    <message numerus="yes">
        <source>%n token(s)</source>
        <extracomment>Streamed text reaches every column&apos;s view together, once a frame: the views then render in the same turn of the event loop and Qt paints the window once, not once per column.</extracomment>
        <translation>
            <numerusform>%n токен</numerusform>
            <numerusform>%n токена</numerusform>
            <numerusform>%n токенов</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CompareColumn</name>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} мс</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <source>First token {time}</source>
        <translation>Первый токен через {time}</translation>
    </message>
    <message>
        <source>Waiting…</source>
        <translation>Ожидание…</translation>
    </message>
    <message>
        <source>Total {time}</source>
        <translation>Всего {time}</translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation>{speed} ток/с</translation>
    </message>
    <message>
        <source>{cost} estimated</source>
        <translation>≈{cost} (оценка)</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>остановлен</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>truncated</source>
        <translation>обрезан</translation>
    </message>
    <message>
        <source>⚙ Settings</source>
        <translation>⚙ Настройки</translation>
    </message>
    <message>
        <source>This column&apos;s parameters and system prompt</source>
        <translation>Параметры и системный промпт этой колонки</translation>
    </message>
    <message>
        <source>↗ Continue as chat</source>
        <translation>↗ В чат</translation>
    </message>
    <message>
        <source>Continue this column alone as a chat in the main window</source>
        <translation>Продолжить только эту колонку как чат в главном окне</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
    <message>
        <source>Stop this column</source>
        <translation>Остановить эту колонку</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Ask this column again</source>
        <translation>Спросить эту колонку ещё раз</translation>
    </message>
    <message>
        <source>Remove this column</source>
        <translation>Убрать эту колонку</translation>
    </message>
    <message>
        <source>This one is better</source>
        <translation>Этот лучше</translation>
    </message>
    <message>
        <source>Vote for this answer</source>
        <translation>Проголосовать за этот ответ</translation>
    </message>
    <message>
        <source>Not asked yet</source>
        <translation>Ещё не спрашивали</translation>
    </message>
    <message>
        <source>Could not list the models: {error} The built-in list is shown.</source>
        <translation>Не удалось получить список моделей: {error} Показан встроенный список.</translation>
    </message>
    <message>
        <source>Model (you can also type a model name)</source>
        <translation>Модель (можно ввести название вручную)</translation>
    </message>
    <message>
        <source>Model {letter}</source>
        <translation>Модель {letter}</translation>
    </message>
</context>
<context>
    <name>CompareTopBar</name>
    <message>
        <source>New</source>
        <translation>Новое</translation>
    </message>
    <message>
        <source>Start a new comparison with these columns</source>
        <translation>Начать новое сравнение с этими колонками</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>В ряд</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>Сетка</translation>
    </message>
    <message>
        <source>Tabs</source>
        <translation>Вкладки</translation>
    </message>
    <message>
        <source>Blind</source>
        <translation>Вслепую</translation>
    </message>
    <message>
        <source>Hide providers and models (columns A, B, …) until you vote</source>
        <translation>Скрыть провайдеров и модели (колонки A, B, …) до голосования</translation>
    </message>
    <message>
        <source>Leaderboard</source>
        <translation>Рейтинг</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Save this comparison as Markdown or JSON</source>
        <translation>Сохранить это сравнение в Markdown или JSON</translation>
    </message>
    <message>
        <source>Add column</source>
        <translation>Добавить колонку</translation>
    </message>
    <message>
        <source>Add a provider/model column (up to {count})</source>
        <translation>Добавить колонку с провайдером и моделью (не больше {count})</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>Остановить все</translation>
    </message>
    <message>
        <source>Stop every column (Esc)</source>
        <translation>Остановить все колонки (Esc)</translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message>
        <source>{label} asks you to sign in (Provider → Credentials…).</source>
        <translation>{label} просит выполнить вход (Провайдер → Учётные данные…).</translation>
    </message>
    <message>
        <source>The request failed.</source>
        <translation>Запрос не удался.</translation>
    </message>
    <message>
        <source>Compare side by side — Roundtable</source>
        <extracomment>A column continued alone: the id of the new conversation holding its turns (the window that opened this one shows it). Tests answer the export dialog with this: suggested name -&gt; path (None: cancel).</extracomment>
        <translation>Сравнение — Roundtable</translation>
    </message>
    <message>
        <source>System prompt (optional), sent to every column without its own</source>
        <translation>Системный промпт (необязательно) — для всех колонок без своего</translation>
    </message>
    <message>
        <source>Ask every column; follow-ups keep each context…</source>
        <translation>Спросите все колонки; продолжения сохраняют контекст каждой…</translation>
    </message>
    <message numerus="yes">
        <source>%n column(s)</source>
        <translation>
            <numerusform>%n колонка</numerusform>
            <numerusform>%n колонки</numerusform>
            <numerusform>%n колонок</numerusform>
        </translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>Остановить все</translation>
    </message>
    <message>
        <source>Stop every column (Esc)</source>
        <translation>Остановить все колонки (Esc)</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Системный промпт</translation>
    </message>
    <message>
        <source>Send to every column (Enter)</source>
        <translation>Отправить во все колонки (Enter)</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Промпт</translation>
    </message>
    <message>
        <source>Enter to send to every column · Shift+Enter for a new line · Esc stops all</source>
        <translation>Enter — отправить во все колонки · Shift+Enter — новая строка · Esc — остановить все</translation>
    </message>
</context>
<context>
    <name>ComparisonRecords</name>
    <message>
        <source>Not saved: {error}</source>
        <extracomment>[{&quot;provider&quot;, &quot;model&quot;, &quot;params&quot;, &quot;system_prompt&quot;}, ...] in settings.json Columns are being added or removed in a row: lay them out and remember them once, at the end (each layout of 8 columns costs ~30 ms, each settings write an fsync).</extracomment>
        <translation>Не сохранено: {error}</translation>
    </message>
    <message>
        <source>Reopened from the history</source>
        <translation>Открыто из истории</translation>
    </message>
    <message>
        <source>The history is off: a column cannot go on as a chat.</source>
        <translation>История отключена: колонку нельзя продолжить как чат.</translation>
    </message>
    <message>
        <source>Could not export: {error}</source>
        <translation>Не удалось экспортировать: {error}</translation>
    </message>
    <message>
        <source>Export comparison</source>
        <translation>Экспорт сравнения</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Preset not saved: {error}</source>
        <translation>Пресет не сохранён: {error}</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
</context>
<context>
    <name>ComposerBar</name>
    <message>
        <source>Attach images or text files (or paste or drop them here)</source>
        <translation>Прикрепить изображения или текстовые файлы (или вставьте либо перетащите их сюда)</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message>
        <source>The request failed.</source>
        <translation>Запрос не удался.</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>Отправить (Enter)</translation>
    </message>
    <message>
        <source>Stop the answer (Esc)</source>
        <translation>Остановить ответ (Esc)</translation>
    </message>
    <message>
        <source>Editing a message: sending adds a new version; this one stays (‹ ›).</source>
        <translation>Правка сообщения: отправка добавит новую версию, эта останется (‹ ›).</translation>
    </message>
    <message>
        <source>Cancel edit</source>
        <translation>Отменить правку</translation>
    </message>
    <message>
        <source>Enter to send · Shift+Enter for a new line · Esc to stop</source>
        <translation>Enter — отправить · Shift+Enter — новая строка · Esc — остановить</translation>
    </message>
    <message>
        <source>Message {label} · {model}…</source>
        <translation>Сообщение для {label} · {model}…</translation>
    </message>
    <message>
        <source>Message {label}…</source>
        <translation>Сообщение для {label}…</translation>
    </message>
    <message>
        <source>The attachments are still being read: send again in a moment.</source>
        <translation>Вложения ещё читаются: отправьте снова через мгновение.</translation>
    </message>
    <message>
        <source>Another version can be shown once the answer ends (Esc stops it).</source>
        <translation>Другую версию можно показать, когда ответ закончится (Esc останавливает его).</translation>
    </message>
</context>
<context>
    <name>CredentialsDialog</name>
    <message>
        <source>{label} — Credentials</source>
        <translation>{label} — учётные данные</translation>
    </message>
    <message>
        <source>Paste your API key</source>
        <translation>Вставьте ключ API</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Ключ API</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Show the key you are typing (a stored key is never shown)</source>
        <translation>Показать вводимый ключ (сохранённый ключ не показывается никогда)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Delete the stored key from the keyring</source>
        <translation>Удалить сохранённый ключ из связки ключей</translation>
    </message>
    <message>
        <source>Get an API key…</source>
        <translation>Получить ключ API…</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Базовый URL</translation>
    </message>
    <message>
        <source>None (system settings apply) — e.g. http://proxy:3128</source>
        <translation>Нет (как в системе) — например, http://proxy:3128</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Прокси</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Remember the password (to renew an expired session)</source>
        <translation>Запомнить пароль (чтобы продлевать истёкший сеанс)</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <source>Not signed in.</source>
        <translation>Вход не выполнен.</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>List the models with these settings</source>
        <translation>Получить список моделей с этими настройками</translation>
    </message>
    <message>
        <source>Forget the key kept for this session</source>
        <translation>Забыть ключ этого сеанса</translation>
    </message>
    <message>
        <source>In use for this session (type to replace)</source>
        <translation>Используется в этом сеансе (введите новый, чтобы заменить)</translation>
    </message>
    <message>
        <source>Kept for this session: {proxy}</source>
        <translation>Сохранён на этот сеанс: {proxy}</translation>
    </message>
    <message>
        <source>Stored: {masked}  (type to replace)</source>
        <translation>Сохранён: {masked}  (введите новый, чтобы заменить)</translation>
    </message>
    <message>
        <source>Stored in the keyring: {proxy}</source>
        <translation>В связке ключей: {proxy}</translation>
    </message>
    <message>
        <source>Signed in as {account}.</source>
        <translation>Вход выполнен: {account}.</translation>
    </message>
    <message>
        <source>The key kept for this session was forgotten.</source>
        <translation>Ключ этого сеанса забыт.</translation>
    </message>
    <message>
        <source>The stored key was removed.</source>
        <translation>Сохранённый ключ удалён.</translation>
    </message>
    <message>
        <source>{label} cannot list models.</source>
        <translation>{label} не умеет выдавать список моделей.</translation>
    </message>
    <message numerus="yes">
        <source>Connected — %n model(s): {shown}</source>
        <translation>
            <numerusform>Подключено — %n модель: {shown}</numerusform>
            <numerusform>Подключено — %n модели: {shown}</numerusform>
            <numerusform>Подключено — %n моделей: {shown}</numerusform>
        </translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation>Подключено.</translation>
    </message>
    <message>
        <source>Enter the email and the password to sign in.</source>
        <translation>Для входа введите адрес почты и пароль.</translation>
    </message>
    <message>
        <source>Signed in to {label} as {account}.</source>
        <translation>Вход в {label} выполнен: {account}.</translation>
    </message>
    <message>
        <source>Signed out of {label}.</source>
        <translation>Выход из {label} выполнен.</translation>
    </message>
</context>
<context>
    <name>DocsDialog</name>
    <message>
        <source>Roundtable documentation</source>
        <translation>Документация Roundtable</translation>
    </message>
    <message>
        <source>The README is not installed with this copy.</source>
        <translation>Файл README не установлен вместе с этой копией.</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} мин {seconds} с</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} ч {minutes} мин</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>The request failed: {reason}.</source>
        <translation>Запрос не удался: {reason}.</translation>
    </message>
    <message>
        <source>Add a key with Provider → Credentials….</source>
        <translation>Добавьте ключ в меню Провайдер → Учётные данные….</translation>
    </message>
    <message>
        <source>Roundtable also reads {variables} from its environment.</source>
        <translation>Roundtable также читает {variables} из окружения.</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address as Base URL in Provider → Credentials….</source>
        <translation>Укажите адрес сервера как базовый URL в меню Провайдер → Учётные данные….</translation>
    </message>
    <message>
        <source>To wait longer, set Timeout in the Parameters panel (View → Parameters).</source>
        <translation>Чтобы ждать дольше, задайте тайм-аут на панели параметров (Вид → Параметры).</translation>
    </message>
    <message>
        <source>Pick another model in the model box (Provider → Reload models lists them).</source>
        <translation>Выберите другую модель в поле модели (Провайдер → Обновить список моделей покажет их).</translation>
    </message>
    <message>
        <source>Sign in with Provider → Credentials….</source>
        <translation>Войдите через меню Провайдер → Учётные данные….</translation>
    </message>
    <message>
        <source>Type the deployment name in the model box.</source>
        <translation>Введите имя развёртывания в поле модели.</translation>
    </message>
    <message>
        <source>it is not UTF-8 text</source>
        <translation>это не текст в UTF-8</translation>
    </message>
    <message>
        <source>line {line}, column {column}: {detail}</source>
        <translation>строка {line}, столбец {column}: {detail}</translation>
    </message>
    <message>
        <source>{entry} holds a secret; secrets belong in the system keyring</source>
        <translation>в {entry} записан секрет; секретам место в системной связке ключей</translation>
    </message>
    <message>
        <source>it does not hold a JSON object</source>
        <translation>в нём нет объекта JSON</translation>
    </message>
    <message>
        <source>The settings file {path} is damaged ({reason}), so the defaults are used.</source>
        <translation>Файл настроек {path} повреждён ({reason}), поэтому действуют настройки по умолчанию.</translation>
    </message>
    <message>
        <source>It was kept as {name} in the same folder: copy back what you need.</source>
        <translation>Он сохранён как {name} в той же папке: перенесите оттуда то, что нужно.</translation>
    </message>
    <message>
        <source>It could not be kept aside ({error}), so it is left as it is and changes to the settings are not saved until you fix or remove it.</source>
        <translation>Отложить его не удалось ({error}), поэтому он оставлен как есть, а изменения настроек не сохраняются, пока вы его не исправите или не удалите.</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in the conversation</source>
        <translation>Найти в разговоре</translation>
    </message>
    <message>
        <source>Previous (Shift+Enter)</source>
        <translation>Предыдущее (Shift+Enter)</translation>
    </message>
    <message>
        <source>Next (Enter)</source>
        <translation>Следующее (Enter)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Не найдено</translation>
    </message>
    <message>
        <source>Message %1 of %2</source>
        <translation>Сообщение %1 из %2</translation>
    </message>
</context>
<context>
    <name>HistoryMenu</name>
    <message>
        <source>Export as JSON</source>
        <extracomment>A menu entry (its text and what it does), or None for a separator.</extracomment>
        <translation>Экспорт в JSON</translation>
    </message>
    <message>
        <source>Export as Markdown</source>
        <translation>Экспорт в Markdown</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Все файлы (*)</translation>
    </message>
</context>
<context>
    <name>HistoryOpener</name>
    <message>
        <source>History is off: {error}</source>
        <translation>История отключена: {error}</translation>
    </message>
    <message>
        <source>History is off: its folder cannot be used ({error}).</source>
        <translation>История отключена: её папкой нельзя воспользоваться ({error}).</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>just now</source>
        <translation>только что</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>вчера</translation>
    </message>
    <message>
        <source>History</source>
        <extracomment>Tests set this to answer the export dialog: suggested file name -&gt; path (None: cancel).</extracomment>
        <translation>История</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>Новый чат (Ctrl+N)</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>Поиск по разговорам</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Разговоры</translation>
    </message>
    <message>
        <source>Show more results</source>
        <translation>Показать ещё</translation>
    </message>
    <message>
        <source>The history is not available.</source>
        <translation>История недоступна.</translation>
    </message>
    <message>
        <source>Checking the history…

Your conversations appear soon.</source>
        <translation>Проверяется история…

Разговоры скоро появятся.</translation>
    </message>
    <message>
        <source>Updating the search index…

Your conversations appear soon.</source>
        <translation>Обновляется поисковый индекс…

Разговоры скоро появятся.</translation>
    </message>
    <message>
        <source>The history cannot be read: {error}</source>
        <translation>Историю не удаётся прочитать: {error}</translation>
    </message>
    <message>
        <source>No conversations yet.

What you send is saved here as you go.</source>
        <translation>Разговоров пока нет.

Всё, что вы отправляете, сохраняется здесь по ходу дела.</translation>
    </message>
    <message>
        <source>The search failed: {error}</source>
        <translation>Поиск не удался: {error}</translation>
    </message>
    <message>
        <source>Nothing matches “{query}”.</source>
        <translation>По запросу «{query}» ничего не найдено.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Переименовать</translation>
    </message>
    <message>
        <source>Export as Markdown…</source>
        <translation>Экспорт в Markdown…</translation>
    </message>
    <message>
        <source>Export as JSON…</source>
        <translation>Экспорт в JSON…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Удалить…</translation>
    </message>
    <message>
        <source>The conversation could not be renamed: {error}</source>
        <translation>Не удалось переименовать разговор: {error}</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>Удаление разговора</translation>
    </message>
    <message>
        <source>Delete “{title}”? It cannot be restored.</source>
        <translation>Удалить «{title}»? Восстановить его будет нельзя.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>The conversation could not be deleted: {error}</source>
        <translation>Не удалось удалить разговор: {error}</translation>
    </message>
    <message>
        <source>The conversation could not be exported: {error}</source>
        <translation>Не удалось экспортировать разговор: {error}</translation>
    </message>
    <message>
        <source>Exported “{title}” to {path}.</source>
        <translation>«{title}» экспортирован в {path}.</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>Без названия</translation>
    </message>
</context>
<context>
    <name>LeaderboardDialog</name>
    <message>
        <source>Leaderboard — Roundtable</source>
        <translation>Рейтинг — Roundtable</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>Место</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Очки</translation>
    </message>
    <message>
        <source>± 95 %</source>
        <translation>± 95 %</translation>
    </message>
    <message>
        <source>Votes</source>
        <translation>Голоса</translation>
    </message>
    <message>
        <source>Wins</source>
        <translation>Победы</translation>
    </message>
    <message>
        <source>Losses</source>
        <translation>Поражения</translation>
    </message>
    <message>
        <source>Ties</source>
        <translation>Ничьи</translation>
    </message>
    <message>
        <source>Both bad</source>
        <translation>Оба плохи</translation>
    </message>
    <message>
        <source>Bradley-Terry scores on the Elo scale (1000 is the average model; 400 points is 10:1 odds), from every blind vote. ± is a 95 % interval: it shrinks as votes add up.</source>
        <translation>Очки по модели Брэдли — Терри в шкале Эло (1000 — средняя модель; 400 очков — шансы 10:1) по всем голосам вслепую. ± — 95-процентный интервал: он сужается по мере накопления голосов.</translation>
    </message>
    <message>
        <source>No votes yet: vote in a blind comparison to rank models.</source>
        <translation>Голосов пока нет: проголосуйте в сравнении вслепую, чтобы составить рейтинг моделей.</translation>
    </message>
</context>
<context>
    <name>Links</name>
    <message>
        <source>Open this link?</source>
        <translation>Открыть эту ссылку?</translation>
    </message>
    <message>
        <source>This link may lead somewhere other than its text shows.

It opens:
{target}

Host: {host}</source>
        <translation>Ссылка может вести не туда, куда указывает её текст.

Она откроет:
{target}

Хост: {host}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
</context>
<context>
    <name>LocalModelsDialog</name>
    <message>
        <source>Local models</source>
        <translation>Локальные модели</translation>
    </message>
    <message>
        <source>Models in GGUF format run on this computer: private and offline. Add a .gguf file, drop one here, or paste a download link.</source>
        <translation>Модели в формате GGUF работают на этом компьютере — приватно и без сети. Добавьте файл .gguf, перетащите его сюда или вставьте ссылку для загрузки.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>Квантование</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Контекст</translation>
    </message>
    <message>
        <source>Add file…</source>
        <translation>Добавить файл…</translation>
    </message>
    <message>
        <source>Make default</source>
        <translation>Сделать основной</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>https://huggingface.co/…/model.Q4_K_M.gguf</source>
        <translation>https://huggingface.co/…/model.Q4_K_M.gguf</translation>
    </message>
    <message>
        <source>Download link</source>
        <translation>Ссылка для загрузки</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Загрузить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>SHA-256 (optional)</source>
        <translation>SHA-256 (необязательно)</translation>
    </message>
    <message>
        <source>Expected SHA-256 checksum</source>
        <translation>Ожидаемая контрольная сумма SHA-256</translation>
    </message>
    <message>
        <source>When given, the downloaded file must match it</source>
        <translation>Если указана, загруженный файл должен ей соответствовать</translation>
    </message>
    <message>
        <source>The local model runtime is not installed. %1</source>
        <translation>Среда запуска локальных моделей не установлена. %1</translation>
    </message>
    <message>
        <source>%1 (default)</source>
        <translation>%1 (основная)</translation>
    </message>
    <message>
        <source>unusable</source>
        <translation>непригодна</translation>
    </message>
    <message>
        <source>Add a local model</source>
        <translation>Добавить локальную модель</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>Модели GGUF (*.gguf)</translation>
    </message>
    <message>
        <source>Added %1.</source>
        <translation>Добавлено: %1.</translation>
    </message>
    <message>
        <source>Removed %1.</source>
        <translation>Удалено: %1.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>%1 at %2/s</source>
        <translation>%1, %2/с</translation>
    </message>
    <message>
        <source>%1 of %2 at %3/s</source>
        <translation>%1 из %2, %3/с</translation>
    </message>
    <message>
        <source>, %1 left</source>
        <translation>, осталось %1</translation>
    </message>
    <message>
        <source>Downloaded %1.</source>
        <translation>Загружено: %1.</translation>
    </message>
    <message>
        <source>Download cancelled.</source>
        <translation>Загрузка отменена.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Roundtable</source>
        <translation>Roundtable</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Основная</translation>
    </message>
    <message>
        <source>Stop the answer, or leave the edit</source>
        <translation>Остановить ответ или выйти из правки</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Войти…</translation>
    </message>
    <message>
        <source>Open sign-in page</source>
        <translation>Открыть страницу входа</translation>
    </message>
    <message>
        <source>{label} asks you to sign in.</source>
        <translation>{label} просит выполнить вход.</translation>
    </message>
    <message>
        <source>The conversation could not be opened: {error}</source>
        <translation>Не удалось открыть разговор: {error}</translation>
    </message>
    <message>
        <source>This conversation was held with “{provider}”, which is not installed.</source>
        <translation>Этот разговор шёл с провайдером «{provider}», который не установлен.</translation>
    </message>
    <message>
        <source> New answers come from {instead}.</source>
        <translation> Новые ответы даст {instead}.</translation>
    </message>
</context>
<context>
    <name>Markdown</name>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>{label} needs an API key before it can list its models.</source>
        <translation>Чтобы получить список моделей {label}, нужен ключ API.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>Model (you can also type a model name)</source>
        <translation>Модель (можно ввести название вручную)</translation>
    </message>
    <message>
        <source>Model name</source>
        <translation>Название модели</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>Модель по умолчанию</translation>
    </message>
</context>
<context>
    <name>NoKeyring</name>
    <message>
        <source>Keys and passwords are kept in your system keyring, never in a file. Leave a field empty to keep what is stored.</source>
        <translation>Ключи и пароли хранятся в системной связке ключей и никогда — в файле. Оставьте поле пустым, чтобы сохранить то, что уже записано.</translation>
    </message>
    <message>
        <source>{error} Nothing secret was stored.</source>
        <translation>{error} Ничего секретного не сохранено.</translation>
    </message>
    <message>
        <source>You can also set {variable}.</source>
        <translation>Можно также задать {variable}.</translation>
    </message>
    <message>
        <source>{error} A key you enter here is used until you quit and is never written to a file. {hint}</source>
        <translation>{error} Введённый здесь ключ действует до выхода из программы и никогда не записывается в файл. {hint}</translation>
    </message>
    <message>
        <source>{error} Nothing secret can be kept.</source>
        <translation>{error} Сохранить секретные данные нельзя.</translation>
    </message>
    <message>
        <source>Leave a field empty to keep what is stored.</source>
        <translation>Оставьте поле пустым, чтобы сохранить то, что уже записано.</translation>
    </message>
    <message>
        <source>Not saved — no keyring. Used until you quit. {hint}</source>
        <translation>Не сохранён — нет связки ключей. Действует до выхода. {hint}</translation>
    </message>
</context>
<context>
    <name>OptionCard</name>
    <message>
        <source>{label} (on this computer)</source>
        <translation>{label} (на этом компьютере)</translation>
    </message>
    <message>
        <source>Installed, but it cannot run on this computer.</source>
        <translation>Установлена, но не может работать на этом компьютере.</translation>
    </message>
    <message>
        <source>Ready — {model}. No account, nothing leaves this computer.</source>
        <translation>Готово — {model}. Без учётной записи, ничего не уходит с компьютера.</translation>
    </message>
    <message>
        <source>Key found in {variable}.</source>
        <translation>Ключ найден в {variable}.</translation>
    </message>
    <message>
        <source>Key for this session — not saved (no keyring).</source>
        <translation>Ключ на этот сеанс — не сохранён (нет связки ключей).</translation>
    </message>
    <message>
        <source>Signed in.</source>
        <translation>Вход выполнен.</translation>
    </message>
    <message>
        <source>Key saved in the keyring.</source>
        <translation>Ключ сохранён в связке ключей.</translation>
    </message>
    <message>
        <source>Running at {url}</source>
        <translation>Работает по адресу {url}</translation>
    </message>
    <message>
        <source>{where} — sign in to use it.</source>
        <translation>{where} — войдите, чтобы пользоваться.</translation>
    </message>
    <message>
        <source>{where} — it asks for a key.</source>
        <translation>{where} — нужен ключ.</translation>
    </message>
    <message>
        <source>{where}, but it has no models yet.</source>
        <translation>{where}, но моделей пока нет.</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> и ещё {count}</translation>
    </message>
    <message>
        <source>{where} — {models}.</source>
        <translation>{where} — {models}.</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Чат</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Войти…</translation>
    </message>
    <message>
        <source>Add key…</source>
        <translation>Добавить ключ…</translation>
    </message>
    <message>
        <source>Chat with {label}</source>
        <translation>Чат с {label}</translation>
    </message>
    <message>
        <source>Set up {label}</source>
        <translation>Настроить {label}</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Внешний вид</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <source>When Roundtable starts</source>
        <translation>При запуске Roundtable</translation>
    </message>
    <message>
        <source>The provider used last</source>
        <translation>Последний использованный провайдер</translation>
    </message>
    <message>
        <source>the provider&apos;s default model</source>
        <translation>модель провайдера по умолчанию</translation>
    </message>
    <message>
        <source>&amp;Provider:</source>
        <translation>&amp;Провайдер:</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Модель:</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Сеть</translation>
    </message>
    <message>
        <source>none (e.g. http://proxy.example:8080)</source>
        <translation>нет (например, http://proxy.example:8080)</translation>
    </message>
    <message>
        <source>Used by every provider that has no proxy of its own (Credentials…).</source>
        <translation>Для всех провайдеров без собственного прокси (Учётные данные…).</translation>
    </message>
    <message>
        <source>Pro&amp;xy for all providers:</source>
        <translation>Про&amp;кси для всех провайдеров:</translation>
    </message>
    <message>
        <source>Your data</source>
        <translation>Ваши данные</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>Clear history…</source>
        <translation>Очистить историю…</translation>
    </message>
    <message>
        <source>Looking for the keyring…</source>
        <translation>Поиск связки ключей…</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>Папка данных:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Размер:</translation>
    </message>
    <message>
        <source>API keys:</source>
        <translation>Ключи API:</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>Язык системы</translation>
    </message>
    <message>
        <source>A proxy with a password is not saved here, where it would be plain text: enter it in Credentials… for a provider (it is kept in the keyring).</source>
        <translation>Прокси с паролем здесь не сохраняется — он лежал бы открытым текстом: введите его в «Учётных данных…» провайдера (там он хранится в связке ключей).</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>Не сохранено: {0}</translation>
    </message>
    <message>
        <source>Not saved — no keyring. Keys typed in Credentials… last until Roundtable closes; the providers&apos; environment variables work too.</source>
        <translation>Не сохраняются — нет связки ключей. Ключи, введённые в «Учётных данных…», действуют до закрытия Roundtable; переменные окружения провайдеров тоже работают.</translation>
    </message>
    <message>
        <source>Saved in the system keyring ({0}), never in a file.</source>
        <translation>Хранятся в системной связке ключей ({0}), никогда — в файле.</translation>
    </message>
    <message>
        <source>Clear history</source>
        <translation>Очистка истории</translation>
    </message>
    <message>
        <source>Delete every saved conversation and its attachments? This cannot be undone.</source>
        <translation>Удалить все сохранённые разговоры и их вложения? Отменить это нельзя.</translation>
    </message>
    <message>
        <source>Delete all</source>
        <translation>Удалить всё</translation>
    </message>
    <message>
        <source>The history could not be cleared: {0}</source>
        <translation>Не удалось очистить историю: {0}</translation>
    </message>
</context>
<context>
    <name>PresetButton</name>
    <message>
        <source>Presets</source>
        <translation>Пресеты</translation>
    </message>
    <message>
        <source>Apply a prompt preset</source>
        <translation>Применить пресет промпта</translation>
    </message>
    <message>
        <source>Save as preset…</source>
        <translation>Сохранить как пресет…</translation>
    </message>
</context>
<context>
    <name>PresetController</name>
    <message>
        <source>The preset “{0}” names the provider “{1}”, which is not installed: only its system prompt was applied.</source>
        <translation>Пресет «{0}» указывает провайдера «{1}», который не установлен: применён только его системный промпт.</translation>
    </message>
    <message>
        <source>Rename preset</source>
        <translation>Переименование пресета</translation>
    </message>
    <message>
        <source>New name for “{0}”:</source>
        <translation>Новое название для «{0}»:</translation>
    </message>
    <message>
        <source>The preset was not saved: {0}</source>
        <translation>Пресет не сохранён: {0}</translation>
    </message>
</context>
<context>
    <name>PresetPicker</name>
    <message>
        <source>Prompt preset</source>
        <translation>Пресет промпта</translation>
    </message>
    <message>
        <source>Apply a saved system prompt (and its provider and model)</source>
        <translation>Применить сохранённый системный промпт (с его провайдером и моделью)</translation>
    </message>
    <message>
        <source>Save as preset…</source>
        <translation>Сохранить как пресет…</translation>
    </message>
    <message>
        <source>Rename preset…</source>
        <translation>Переименовать пресет…</translation>
    </message>
    <message>
        <source>Delete preset</source>
        <translation>Удалить пресет</translation>
    </message>
    <message>
        <source>Save, rename or delete presets</source>
        <translation>Сохранить, переименовать или удалить пресеты</translation>
    </message>
    <message>
        <source>Manage presets</source>
        <translation>Управление пресетами</translation>
    </message>
    <message>
        <source>No preset</source>
        <translation>Без пресета</translation>
    </message>
    <message>
        <source>No presets yet</source>
        <translation>Пресетов пока нет</translation>
    </message>
</context>
<context>
    <name>PresetsButton</name>
    <message>
        <source>Presets</source>
        <translation>Пресеты</translation>
    </message>
    <message>
        <source>Reuse a saved set of columns, or save this one</source>
        <translation>Взять сохранённый набор колонок или сохранить этот</translation>
    </message>
    <message>
        <source>Save these columns as a preset…</source>
        <extracomment>Tests answer the name prompt with this (None: cancelled) instead of a dialog.</extracomment>
        <translation>Сохранить эти колонки как пресет…</translation>
    </message>
    <message>
        <source>Delete preset</source>
        <translation>Удалить пресет</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>Сохранение пресета</translation>
    </message>
    <message>
        <source>Name of this set of columns:</source>
        <translation>Название этого набора колонок:</translation>
    </message>
</context>
<context>
    <name>ProviderPicker</name>
    <message>
        <source>needs key</source>
        <translation>нужен ключ</translation>
    </message>
    <message>
        <source>needs sign-in</source>
        <translation>нужен вход</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Провайдер</translation>
    </message>
    <message>
        <source>{label} {mark}: add it under Provider → Credentials…</source>
        <translation>{label}: {mark} — добавьте в меню Провайдер → Учётные данные…</translation>
    </message>
</context>
<context>
    <name>RelativeTimes</name>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n минуту назад</numerusform>
            <numerusform>%n минуты назад</numerusform>
            <numerusform>%n минут назад</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n час назад</numerusform>
            <numerusform>%n часа назад</numerusform>
            <numerusform>%n часов назад</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n день назад</numerusform>
            <numerusform>%n дня назад</numerusform>
            <numerusform>%n дней назад</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RemoteImage</name>
    <message>
        <source>Image at {host} (not loaded)</source>
        <translation>Изображение на {host} (не загружено)</translation>
    </message>
    <message>
        <source>Load image</source>
        <translation>Загрузить изображение</translation>
    </message>
    <message>
        <source>Download it from {host}: the host learns that you opened it</source>
        <translation>Загрузить с {host}: хост узнает, что вы его открыли</translation>
    </message>
    <message>
        <source>Loading from {host}…</source>
        <translation>Загрузка с {host}…</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Попробовать снова</translation>
    </message>
</context>
<context>
    <name>SavePresetDialog</name>
    <message>
        <source>Save as preset</source>
        <translation>Сохранить как пресет</translation>
    </message>
    <message>
        <source>e.g. Code reviewer</source>
        <translation>например, Ревьюер кода</translation>
    </message>
    <message>
        <source>Also use {0} and these parameters</source>
        <translation>Также использовать {0} и эти параметры</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <source>Timeout</source>
        <extracomment>Filled in by the framework or the window, never by the form. Secrets belong to the credentials dialog.</extracomment>
        <translation>Тайм-аут</translation>
    </message>
    <message>
        <source>Total timeout</source>
        <translation>Общий тайм-аут</translation>
    </message>
    <message>
        <source>Response format</source>
        <translation>Формат ответа</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Промпт</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>Негативный промпт</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Инструменты</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <source>History disabled</source>
        <translation>Без истории</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Температура</translation>
    </message>
    <message>
        <source>Top k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Min p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Frequency penalty</source>
        <translation>Штраф за частоту</translation>
    </message>
    <message>
        <source>Presence penalty</source>
        <translation>Штраф за присутствие</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>Штраф за повторы</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Макс. токенов</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Зерно</translation>
    </message>
    <message>
        <source>Max retries</source>
        <translation>Макс. повторов</translation>
    </message>
    <message>
        <source>Web search</source>
        <translation>Поиск в интернете</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Кэш</translation>
    </message>
    <message>
        <source>Reasoning effort</source>
        <translation>Глубина рассуждений</translation>
    </message>
    <message>
        <source>Thinking budget</source>
        <translation>Бюджет на рассуждения</translation>
    </message>
    <message>
        <source>Number of answers</source>
        <translation>Число ответов</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Пользователь</translation>
    </message>
    <message>
        <source>Log probabilities</source>
        <translation>Логарифмы вероятностей</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Длина контекста</translation>
    </message>
    <message>
        <source>Keep alive</source>
        <translation>Держать в памяти</translation>
    </message>
    <message>
        <source>Think</source>
        <translation>Рассуждать</translation>
    </message>
    <message>
        <source>Unset {name}: the provider&apos;s default applies</source>
        <translation>Сбросить {name}: действует значение провайдера по умолчанию</translation>
    </message>
    <message>
        <source>Not valid JSON (line {line}, column {column}): {reason}.</source>
        <translation>Некорректный JSON (строка {line}, столбец {column}): {reason}.</translation>
    </message>
    <message>
        <source>Unset {name}</source>
        <translation>Сбросить {name}</translation>
    </message>
    <message>
        <source>Expected a JSON list, e.g. [&quot;a&quot;, &quot;b&quot;].</source>
        <translation>Нужен список JSON, например [&quot;a&quot;, &quot;b&quot;].</translation>
    </message>
    <message>
        <source>Expected a JSON object, e.g. {&quot;key&quot;: &quot;value&quot;}.</source>
        <translation>Нужен объект JSON, например {&quot;key&quot;: &quot;value&quot;}.</translation>
    </message>
    <message>
        <source>This provider has no parameters to set.</source>
        <translation>У этого провайдера нет настраиваемых параметров.</translation>
    </message>
    <message>
        <source>Reset to defaults</source>
        <translation>Сбросить всё</translation>
    </message>
    <message>
        <source>Unset every parameter: the provider&apos;s defaults apply</source>
        <translation>Сбросить все параметры: будут действовать значения провайдера по умолчанию</translation>
    </message>
    <message>
        <source>provider default</source>
        <translation>по умолчанию</translation>
    </message>
    <message>
        <source>default {value}</source>
        <translation>по умолч. {value}</translation>
    </message>
    <message>
        <source>Range: {range}</source>
        <translation>Диапазон: {range}</translation>
    </message>
    <message>
        <source>Default: chosen by the provider or the model</source>
        <translation>По умолчанию: выбирает провайдер или модель</translation>
    </message>
    <message>
        <source>Default: {value}</source>
        <translation>По умолчанию: {value}</translation>
    </message>
    <message>
        <source>Sent as {name} ({type}) only when you set it.</source>
        <translation>Отправляется как {name} ({type}), только если вы его задали.</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Сочетания клавиш</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Команда</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Клавиши</translation>
    </message>
</context>
<context>
    <name>SidePanel</name>
    <message>
        <source>System prompt</source>
        <translation>Системный промпт</translation>
    </message>
    <message>
        <source>e.g. You are a concise assistant.</source>
        <translation>например: Ты — лаконичный помощник.</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Пресет</translation>
    </message>
    <message>
        <source>For this conversation; sent before your messages.</source>
        <translation>Для этого разговора; отправляется перед вашими сообщениями.</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Параметры</translation>
    </message>
    <message>
        <source>Only the fields you change are sent; the others keep the provider&apos;s defaults.</source>
        <translation>Отправляются только изменённые поля; для остальных действуют значения провайдера по умолчанию.</translation>
    </message>
    <message numerus="yes">
        <source>Fix or unset the marked parameter(s) ({names}) before sending: invalid values are never sent.</source>
        <translation>
            <numerusform>Исправьте или сбросьте отмеченный параметр ({names}): неверные значения не отправляются.</numerusform>
            <numerusform>Исправьте или сбросьте отмеченные параметры ({names}): неверные значения не отправляются.</numerusform>
            <numerusform>Исправьте или сбросьте отмеченные параметры ({names}): неверные значения не отправляются.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StallNotice</name>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} мин {seconds} с</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановить</translation>
    </message>
    <message>
        <source>Stop waiting; what arrived so far is kept (Esc)</source>
        <translation>Перестать ждать; то, что уже пришло, сохранится (Esc)</translation>
    </message>
    <message>
        <source>{who} has sent nothing new for {wait}.</source>
        <translation>{who} ничего не присылает уже {wait}.</translation>
    </message>
    <message>
        <source>Waiting for {who} to answer — {wait} so far.</source>
        <translation>Ждём ответа от {who} — уже {wait}.</translation>
    </message>
</context>
<context>
    <name>TargetBar</name>
    <message>
        <source>Reload models</source>
        <translation>Обновить список моделей</translation>
    </message>
    <message>
        <source>List the provider&apos;s models again</source>
        <translation>Заново получить список моделей провайдера</translation>
    </message>
    <message>
        <source>Loading the model list…</source>
        <translation>Загрузка списка моделей…</translation>
    </message>
    <message>
        <source>No provider is installed.</source>
        <translation>Не установлено ни одного провайдера.</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Credentials…</source>
        <translation>Учётные данные…</translation>
    </message>
    <message>
        <source>Could not list the models of {label}: {error} The built-in list is shown.</source>
        <translation>Не удалось получить список моделей {label}: {error} Показан встроенный список.</translation>
    </message>
    <message>
        <source>{label} needs a sign-in before it can answer.</source>
        <translation>Чтобы {label} мог отвечать, нужно выполнить вход.</translation>
    </message>
    <message>
        <source>{label} needs an API key before it can answer.</source>
        <translation>Чтобы {label} мог отвечать, нужен ключ API.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Войти…</translation>
    </message>
    <message>
        <source>Add key…</source>
        <translation>Добавить ключ…</translation>
    </message>
</context>
<context>
    <name>VersionSwitcher</name>
    <message>
        <source>Previous version</source>
        <translation>Предыдущая версия</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Следующая версия</translation>
    </message>
    <message>
        <source>{0}/{1}</source>
        <translation>{0}/{1}</translation>
    </message>
    <message>
        <source>Version {0} of {1}</source>
        <translation>Версия {0} из {1}</translation>
    </message>
</context>
<context>
    <name>VoteBar</name>
    <message>
        <source>Which answer is better? Pick one with “This one is better”, or:</source>
        <translation>Какой ответ лучше? Выберите кнопкой «Этот лучше» или:</translation>
    </message>
    <message>
        <source>Tie</source>
        <translation>Ничья</translation>
    </message>
    <message>
        <source>Both are bad</source>
        <translation>Оба плохи</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <source>Welcome</source>
        <translation>Добро пожаловать</translation>
    </message>
    <message>
        <source>Welcome to Roundtable</source>
        <translation>Добро пожаловать в Roundtable</translation>
    </message>
    <message>
        <source>Pick something that can answer now. Nothing is sent anywhere until you start a chat.</source>
        <translation>Выберите, кто может ответить прямо сейчас. Пока вы не начнёте чат, ничего никуда не отправляется.</translation>
    </message>
    <message>
        <source>Looking</source>
        <translation>Поиск</translation>
    </message>
    <message>
        <source>Look again</source>
        <translation>Искать снова</translation>
    </message>
    <message>
        <source>Look again for local servers and keys</source>
        <translation>Снова поискать локальные серверы и ключи</translation>
    </message>
    <message>
        <source>Use a cloud service</source>
        <translation>Подключить облачный сервис</translation>
    </message>
    <message>
        <source>Cloud service</source>
        <translation>Облачный сервис</translation>
    </message>
    <message>
        <source>Add key…</source>
        <translation>Добавить ключ…</translation>
    </message>
    <message>
        <source>Add a key or sign in for the chosen service</source>
        <translation>Добавить ключ или войти в выбранный сервис</translation>
    </message>
    <message>
        <source>Looking for local models, servers and keys…</source>
        <translation>Ищем локальные модели, серверы и ключи…</translation>
    </message>
    <message>
        <source>Ready to chat: {count} found.</source>
        <translation>Можно начинать: найдено {count}.</translation>
    </message>
    <message>
        <source>Found something, but it needs setting up first.</source>
        <translation>Кое-что нашлось, но сначала это нужно настроить.</translation>
    </message>
    <message>
        <source>Nothing found on this computer. Start Ollama or LM Studio and look again, or add a key below.</source>
        <translation>На этом компьютере ничего не нашлось. Запустите Ollama или LM Studio и поищите снова или добавьте ключ ниже.</translation>
    </message>
    <message>
        <source>No keyring: a key you add is used until you quit, never saved to a file. Setting the service&apos;s environment variable (e.g. OPENAI_API_KEY) works too.</source>
        <translation>Нет связки ключей: добавленный ключ действует до выхода из программы и не сохраняется в файл. Можно также задать переменную окружения сервиса (например, OPENAI_API_KEY).</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Как в &amp;системе</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Светлая</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Тёмная</translation>
    </message>
    <message>
        <source>Credentials…</source>
        <translation>Учётные данные…</translation>
    </message>
    <message>
        <source>API key, base URL, proxy or sign-in for this provider</source>
        <translation>Ключ API, базовый URL, прокси или вход для этого провайдера</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Параметры</translation>
    </message>
    <message>
        <source>Show the system prompt and the parameters</source>
        <translation>Показать системный промпт и параметры</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Начать новый разговор (Ctrl+N)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Show the saved conversations (Ctrl+H)</source>
        <translation>Показать сохранённые разговоры (Ctrl+H)</translation>
    </message>
    <message>
        <source>&amp;Compare side by side…</source>
        <translation>&amp;Сравнение…</translation>
    </message>
    <message>
        <source>Put one prompt to several providers and models at once</source>
        <translation>Задать один вопрос сразу нескольким провайдерам и моделям</translation>
    </message>
    <message>
        <source>&amp;Welcome screen</source>
        <translation>&amp;Экран приветствия</translation>
    </message>
    <message>
        <source>Show the ways to start chatting: local models, servers, keys</source>
        <translation>Показать, с чего начать: локальные модели, серверы, ключи</translation>
    </message>
    <message>
        <source>&amp;Local models…</source>
        <translation>&amp;Локальные модели…</translation>
    </message>
    <message>
        <source>Models that run on this computer: add, download, choose the default</source>
        <translation>Модели, работающие на этом компьютере: добавить, загрузить, выбрать модель по умолчанию</translation>
    </message>
    <message>
        <source>&amp;Find in the conversation…</source>
        <translation>&amp;Найти в разговоре…</translation>
    </message>
    <message>
        <source>&amp;Copy the conversation</source>
        <translation>&amp;Копировать разговор</translation>
    </message>
    <message>
        <source>Every message, as text</source>
        <translation>Все сообщения текстом</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Сочетания клавиш</translation>
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation>&amp;Документация</translation>
    </message>
    <message>
        <source>&amp;About Roundtable</source>
        <translation>&amp;О программе Roundtable</translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <translation>&amp;Язык системы</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Правка</translation>
    </message>
    <message>
        <source>&amp;Provider</source>
        <translation>&amp;Провайдер</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Тема</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
</context>
</TS>
