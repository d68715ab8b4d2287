<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ColumnTexts</name>
    <message numerus="yes">
        <source>%n token(s)</source>
        <extracomment>Streamed text reaches every column&apos;s view together, once a frame: the views then render in the same turn of the event loop and Qt paints the window once, not once per column.</extracomment>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message numerus="yes">
        <source>%n column(s)</source>
        <translation>
            <numerusform>%n column</numerusform>
            <numerusform>%n columns</numerusform>
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
<context>
    <name>SidePanel</name>
    <message numerus="yes">
        <source>Fix or unset the marked parameter(s) ({names}) before sending: invalid values are never sent.</source>
        <translation>
            <numerusform>Fix or unset the marked parameter ({names}) before sending: invalid values are never sent.</numerusform>
            <numerusform>Fix or unset the marked parameters ({names}) before sending: invalid values are never sent.</numerusform>
        </translation>
    </message>
</context>
</TS>
