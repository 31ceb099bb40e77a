<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>main</name>
    <message>
        <location filename="../desktop/app/main.cpp" line="+34"/>
        <source>Vitrine desktop: your applications on a Vitrine server.</source>
        <translation>Vitrine デスクトップ: Vitrine サーバー上のあなたのアプリケーション。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server&apos;s gRPC address (default: $VITRINE_SERVER, else 127.0.0.1:50051).</source>
        <translation>サーバーの gRPC アドレス(既定: $VITRINE_SERVER、未設定なら 127.0.0.1:50051)。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>host:port</source>
        <translation>ホスト:ポート</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your API token (default: $VITRINE_TOKEN).</source>
        <translation>あなたの API トークン(既定: $VITRINE_TOKEN)。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>token</source>
        <translation>トークン</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ApplicationListModel</name>
    <message>
        <location filename="../desktop/models/application_list_model.cpp" line="+68"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repository</source>
        <translation>リポジトリ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ref</source>
        <translation>参照</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Websites</source>
        <translation>ウェブサイト</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Owners</source>
        <translation>所有者</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::MainWindow</name>
    <message>
        <location filename="../desktop/views/main_window.cpp" line="+27"/>
        <source>Server: %1</source>
        <translation>サーバー: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Refresh</source>
        <translation>更新(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Vitrine</source>
        <translation>Vitrine</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reload the server&apos;s information and your applications</source>
        <translation>サーバー情報とアプリケーションを再読み込みします</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Connected as %1 (admin)</source>
        <translation>%1 (管理者) として接続済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected as %1</source>
        <translation>%1 として接続済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vitrine %1 on %2</source>
        <translation>Vitrine %1 (%2)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not connected: %1</source>
        <translation>未接続: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Applications: %1</source>
        <translation>アプリケーション: %1 件</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ServerClient</name>
    <message>
        <location filename="../desktop/client/server_client.cpp" line="+77"/>
        <source>Cannot reach %1. Is vitrine-server running there? (%2)</source>
        <translation>%1 に接続できません。そこで vitrine-server が動いていますか? (%2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 did not answer within %2 s.</source>
        <translation>%1 から %2 秒以内に応答がありませんでした。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server refused the token: %1</source>
        <translation>サーバーがトークンを拒否しました: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server answered with error code %1.</source>
        <translation>サーバーがエラーコード %1 を返しました。</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>No token: set VITRINE_TOKEN or start with --token.</source>
        <translation>トークンがありません: VITRINE_TOKEN を設定するか、--token を付けて起動してください。</translation>
    </message>
</context>
</TS>
