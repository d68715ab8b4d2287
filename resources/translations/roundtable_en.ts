<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ColumnTexts</name>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message numerus="yes">
        <source>%n column(s) · one prompt, answered at the same time</source>
        <translation>
            <numerusform>%n column · one prompt, answered at the same time</numerusform>
            <numerusform>%n columns · one prompt, answered at the same time</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message numerus="yes">
        <source>%n earlier message(s) not shown.</source>
        <translation>
            <numerusform>%n earlier message not shown.</numerusform>
            <numerusform>%n earlier messages not shown.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CredentialsDialog</name>
    <message numerus="yes">
        <source>Connected — %n model(s): {shown}</source>
        <translation>
            <numerusform>Connected — %n model: {shown}</numerusform>
            <numerusform>Connected — %n models: {shown}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Fix or unset the marked parameter(s) ({names}) before sending: invalid values are never sent.</source>
        <translation>
            <numerusform>Fix or unset the marked parameter ({names}) before sending: invalid values are never sent.</numerusform>
            <numerusform>Fix or unset the marked parameters ({names}) before sending: invalid values are never sent.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RelativeTimes</name>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h ago</numerusform>
            <numerusform>%n h ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
</context>
</TS>
