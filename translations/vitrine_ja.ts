<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>ConnectionChannel</name>
    <message>
        <location filename="../desktop/client/connection_channel.cpp" line="+31"/>
        <source>Cannot read the CA file %1: %2</source>
        <translation>CA ファイル %1 を読めません: %2</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Cannot reach %1 over TLS. Does vitrine-server there serve TLS, with a certificate the CA file vouches for? (%2)</source>
        <translation>TLS で %1 に接続できません。そこの vitrine-server は TLS で、CA ファイルが保証する証明書を使っていますか? (%2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot reach %1. Is vitrine-server running there, without TLS? (%2)</source>
        <translation>%1 に接続できません。そこで vitrine-server が TLS なしで動いていますか? (%2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 did not answer within %2 s.</source>
        <translation>%1 から %2 秒以内に応答がありませんでした。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server refused the token: %1</source>
        <translation>サーバーがトークンを拒否しました: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server answered with error code %1.</source>
        <translation>サーバーがエラーコード %1 を返しました。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../desktop/app/main.cpp" line="+35"/>
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
        <location filename="../desktop/models/application_list_model.cpp" line="+217"/>
        <source>Runs as a process behind the router</source>
        <translation>ルーターの背後でプロセスとして動きます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Served as files by the router</source>
        <translation>ルーターがファイルとして配信します</translation>
    </message>
    <message>
        <location line="+58"/>
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
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Build</source>
        <translation>ビルド</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Restarts</source>
        <translation>再起動</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last change</source>
        <translation>最終変更</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>errored</source>
        <translation>エラー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>restarting</source>
        <translation>再起動中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>exited</source>
        <translation>終了</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>missing</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stopped</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>starting</source>
        <translation>起動中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>running</source>
        <translation>稼働中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>sleeping</source>
        <translation>スリープ中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>published</source>
        <translation>公開中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no build</source>
        <translation>ビルドなし</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>building</source>
        <translation>ビルド中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>canceled</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::BuildLogStream</name>
    <message>
        <location filename="../desktop/client/build_log_stream.cpp" line="+80"/>
        <source>The server ended the log before the build&apos;s end.</source>
        <translation>ビルドの終了前にサーバーがログを終えました。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ConnectionCheck</name>
    <message>
        <location filename="../desktop/client/connection_check.cpp" line="+28"/>
        <source>No token: paste your API token first.</source>
        <translation>トークンがありません: まず API トークンを貼り付けてください。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ConnectionProfileStore</name>
    <message>
        <location filename="../desktop/client/connection_profiles.cpp" line="+63"/>
        <source>Name: give the connection a name.</source>
        <translation>名前: 接続に名前を付けてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name: another connection is already called &quot;%1&quot;.</source>
        <translation>名前: 「%1」という接続がすでにあります。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server address: write it as host:port, for example vitrine.example.org:50051.</source>
        <translation>サーバーアドレス: ホスト:ポートの形で書いてください。例: vitrine.example.org:50051</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CA file: %1 does not exist.</source>
        <translation>CA ファイル: %1 が存在しません。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::EventStream</name>
    <message>
        <location filename="../desktop/client/event_stream.cpp" line="+93"/>
        <source>The server ended the stream.</source>
        <translation>サーバーがストリームを終了しました。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::LogFilterModel</name>
    <message>
        <location filename="../desktop/models/log_filter_model.cpp" line="+85"/>
        <source>Invalid pattern: %1 (at character %2)</source>
        <translation>無効なパターン: %1 (%2 文字目)</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::MainWindow</name>
    <message>
        <location filename="../desktop/views/main_window.cpp" line="+63"/>
        <source>Server: %1</source>
        <translation>サーバー: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Refresh</source>
        <translation>更新(&amp;R)</translation>
    </message>
    <message>
        <location line="+3"/>
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
        <location line="+21"/>
        <source>Search apps</source>
        <translation>アプリを検索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show only the applications whose name, repository or owners contain this</source>
        <translation>名前・リポジトリ・所有者にこの文字列を含むアプリケーションだけを表示します</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <location line="+14"/>
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
        <location line="+7"/>
        <source>Not connected: %1</source>
        <translation>未接続: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Applications: %1</source>
        <translation>アプリケーション: %1 件</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Live updates: connecting…</source>
        <translation>ライブ更新: 接続中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Live updates: on</source>
        <translation>ライブ更新: オン</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Live updates: reconnecting in %n s</source>
        <translation>
            <numerusform>ライブ更新: %n 秒後に再接続</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Live updates: ended</source>
        <translation>ライブ更新: 終了</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Live updates: failed: %1</source>
        <translation>ライブ更新: 失敗: %1</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::OutputStream</name>
    <message>
        <location filename="../desktop/client/output_stream.cpp" line="+48"/>
        <source>The server ended the stream.</source>
        <translation>サーバーがストリームを終了しました。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ServerClient</name>
    <message>
        <location filename="../desktop/client/server_client.cpp" line="+117"/>
        <source>No token: set VITRINE_TOKEN or start with --token.</source>
        <translation>トークンがありません: VITRINE_TOKEN を設定するか、--token を付けて起動してください。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ServerStream</name>
    <message>
        <location filename="../desktop/client/server_stream.cpp" line="+238"/>
        <source>The server refused the token: %1</source>
        <translation>サーバーがトークンを拒否しました: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot reach %1 (%2).</source>
        <translation>%1 に接続できません (%2)。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The connection to %1 was lost.</source>
        <translation>%1 との接続が切れました。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::TokenStore</name>
    <message>
        <location filename="../desktop/client/connection_token_store.cpp" line="+65"/>
        <source>The system keychain did not store the token: %1</source>
        <translation>システムのキーチェーンがトークンを保存しませんでした: %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The system keychain did not give the token: %1</source>
        <translation>システムのキーチェーンがトークンを返しませんでした: %1</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The system keychain did not delete the token: %1</source>
        <translation>システムのキーチェーンがトークンを削除しませんでした: %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No system keychain: the token is stored in %1, readable only by you.</source>
        <translation>システムのキーチェーンがありません: トークンは %1 に保存され、あなただけが読めます。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cannot read the token file %1: %2</source>
        <translation>トークンファイル %1 を読めません: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The token file %1 is damaged: delete it and enter the tokens again.</source>
        <translation>トークンファイル %1 が壊れています: 削除してトークンを入力し直してください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cannot create the folder of the token file %1.</source>
        <translation>トークンファイル %1 のフォルダーを作成できません。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cannot write the token file %1: %2</source>
        <translation>トークンファイル %1 に書き込めません: %2</translation>
    </message>
</context>
</TS>
