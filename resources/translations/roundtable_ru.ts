<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
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
    <name>ColumnTexts</name>
    <message numerus="yes">
        <source>%n token(s)</source>
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
        <translation>Сравнение — Roundtable</translation>
    </message>
    <message>
        <source>Compare side by side</source>
        <translation>Сравнение</translation>
    </message>
    <message>
        <source>Add column</source>
        <translation>Добавить колонку</translation>
    </message>
    <message>
        <source>Add a provider/model column (up to {count})</source>
        <translation>Добавить колонку провайдер/модель (не больше {count})</translation>
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
        <source>System prompt (optional), sent to every column</source>
        <translation>Системный промпт (необязательно), уходит во все колонки</translation>
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
        <source>Ask every column the same question…</source>
        <translation>Задайте всем колонкам один вопрос…</translation>
    </message>
    <message>
        <source>Enter to send to every column · Shift+Enter for a new line · Esc stops all</source>
        <translation>Enter — отправить во все колонки · Shift+Enter — новая строка · Esc — остановить все</translation>
    </message>
    <message numerus="yes">
        <source>%n column(s) · one prompt, answered at the same time</source>
        <translation>
            <numerusform>%n колонка · один вопрос, ответы одновременно</numerusform>
            <numerusform>%n колонки · один вопрос, ответы одновременно</numerusform>
            <numerusform>%n колонок · один вопрос, ответы одновременно</numerusform>
        </translation>
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
    <name>ConversationPane</name>
    <message>
        <source>The request failed.</source>
        <translation>Запрос не удался.</translation>
    </message>
    <message>
        <source>Show them</source>
        <translation>Показать</translation>
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
        <source>Editing a message: sending replaces it and everything after it.</source>
        <translation>Правка сообщения: при отправке оно и всё, что после него, будут заменены.</translation>
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
        <source>Message {label}…</source>
        <translation>Сообщение для {label}…</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s) not shown.</source>
        <translation>
            <numerusform>%n более раннее сообщение не показано.</numerusform>
            <numerusform>%n более ранних сообщения не показаны.</numerusform>
            <numerusform>%n более ранних сообщений не показано.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CredentialsDialog</name>
    <message>
        <source>{label} — Credentials</source>
        <extracomment>No keyring works: secrets typed here are kept in memory for this run only.</extracomment>
        <translation>{label} — учётные данные</translation>
    </message>
    <message>
        <source>Keys and passwords are kept in your system keyring, never in a file. Leave a field empty to keep what is stored.</source>
        <translation>Ключи и пароли хранятся в системной связке ключей и никогда — в файле. Оставьте поле пустым, чтобы сохранить то, что уже записано.</translation>
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
        <source>{message} Nothing secret was stored.</source>
        <translation>{message} Секретные данные не сохранены.</translation>
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
        <translation>{error} Секретные данные сохранить нельзя.</translation>
    </message>
    <message>
        <source>Not saved — no keyring. Used until you quit. {hint}</source>
        <translation>Не сохранён — нет связки ключей. Действует до выхода. {hint}</translation>
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
        <source>History is off: {error}</source>
        <translation>История отключена: {error}</translation>
    </message>
    <message>
        <source>History is off: its folder cannot be used ({error}).</source>
        <translation>История отключена: её папку нельзя использовать ({error}).</translation>
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
    <message numerus="yes">
        <source>Fix or unset the marked parameter(s) ({names}) before sending: invalid values are never sent.</source>
        <translation>
            <numerusform>Исправьте или сбросьте отмеченный параметр ({names}): неверные значения не отправляются.</numerusform>
            <numerusform>Исправьте или сбросьте отмеченные параметры ({names}): неверные значения не отправляются.</numerusform>
            <numerusform>Исправьте или сбросьте отмеченные параметры ({names}): неверные значения не отправляются.</numerusform>
        </translation>
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
        <source>Unset {name}: it will not be sent</source>
        <translation>Сбросить {name}: параметр не будет отправлен</translation>
    </message>
    <message>
        <source>Unset {name}</source>
        <translation>Сбросить {name}</translation>
    </message>
    <message>
        <source>Not valid JSON (line {line}, column {column}): {message}.</source>
        <translation>Неверный JSON (строка {line}, столбец {column}): {message}.</translation>
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
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
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
</context>
</TS>
