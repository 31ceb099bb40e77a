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
    <name>HumanUnits</name>
    <message>
        <location filename="../desktop/models/human_units.cpp" line="+23"/>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 TiB</source>
        <translation>%1 TiB</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 PiB</source>
        <translation>%1 PiB</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../desktop/app/main.cpp" line="+54"/>
        <source>Vitrine desktop: your applications on a Vitrine server.</source>
        <translation>Vitrine デスクトップ: Vitrine サーバー上のあなたのアプリケーション。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server&apos;s gRPC address (default: $VITRINE_SERVER, else the current connection profile).</source>
        <translation>サーバーの gRPC アドレス(既定: $VITRINE_SERVER、なければ現在の接続プロファイル)。</translation>
    </message>
    <message>
        <location line="+3"/>
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
    <message>
        <location line="+3"/>
        <source>Render each main view against the server into PNG files in DIR, then exit.</source>
        <translation>各メインビューをサーバーに対して描画し、ディレクトリに PNG ファイルとして保存して終了します。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>DIR</source>
        <translation>ディレクトリ</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::AdminConsole</name>
    <message>
        <location filename="../desktop/views/admin_console.cpp" line="+111"/>
        <source>&amp;Reload</source>
        <translation>再読み込み(&amp;R)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Applications</source>
        <translation>アプリケーション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Builders</source>
        <translation>ビルダー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Build queue</source>
        <translation>ビルドキュー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alerts</source>
        <translation>アラート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Users &amp;&amp; tokens</source>
        <translation>ユーザー &amp;&amp; トークン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Platform</source>
        <translation>プラットフォーム</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fetch builders, queue, alerts, users and figures again</source>
        <translation>ビルダー、キュー、アラート、ユーザー、数値を再取得します</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Show &amp;acknowledged</source>
        <translation>確認済みを表示(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ac&amp;knowledge</source>
        <translation>確認(&amp;K)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark the alert as seen; the same trouble may then open a new one</source>
        <translation>アラートを確認済みにします。以後、同じ問題で新しいアラートが開かれることがあります</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Stop app</source>
        <translation>アプリを停止(&amp;S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop the application the alert is about</source>
        <translation>アラートの対象のアプリケーションを停止します</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>New user&apos;s name</source>
        <translation>新しいユーザーの名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A&amp;dmin</source>
        <translation>管理者(&amp;D)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Create user</source>
        <translation>ユーザーを作成(&amp;C)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>De&amp;lete user</source>
        <translation>ユーザーを削除(&amp;L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server refuses while the user is the only owner of something</source>
        <translation>そのユーザーが唯一の所有者であるものがある間は、サーバーが削除を拒否します</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Show revoked and e&amp;xpired</source>
        <translation>失効済み・期限切れも表示(&amp;X)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What the token is for</source>
        <translation>トークンの用途</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Create &amp;token</source>
        <translation>トークンを作成(&amp;T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Revoke token</source>
        <translation>トークンを失効(&amp;R)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A new token&apos;s secret shows here, once</source>
        <translation>新しいトークンのシークレットはここに一度だけ表示されます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cop&amp;y</source>
        <translation>コピー(&amp;Y)</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Build queue:</source>
        <translation>ビルドキュー:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished builds:</source>
        <translation>完了したビルド:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Build duration:</source>
        <translation>ビルド時間:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Applications:</source>
        <translation>アプリケーション:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Instances:</source>
        <translation>インスタンス:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open alerts:</source>
        <translation>未確認のアラート:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disk use:</source>
        <translation>ディスク使用量:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free disk:</source>
        <translation>ディスク空き容量:</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Cannot load the platform status: %1</source>
        <translation>プラットフォームの状態を読み込めません: %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot load the build queue: %1</source>
        <translation>ビルドキューを読み込めません: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cannot load the alerts: %1</source>
        <translation>アラートを読み込めません: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot load the users: %1</source>
        <translation>ユーザーを読み込めません: %1</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Cannot load the tokens: %1</source>
        <translation>トークンを読み込めません: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 queued, %2 running</source>
        <translation>待機中 %1 件、ビルド中 %2 件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 succeeded, %2 failed, %3 canceled in the last %4 h</source>
        <translation>直近 %4 時間で成功 %1 件、失敗 %2 件、キャンセル %3 件</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>median %1, 90th percentile %2</source>
        <translation>中央値 %1、90 パーセンタイル %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no finished builds</source>
        <translation>完了したビルドなし</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 static, %2 runtime</source>
        <translation>静的 %1、ランタイム %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 in all: artifacts %2, sites %3, build logs %4, runtime logs %5</source>
        <translation>合計 %1: 成果物 %2、サイト %3、ビルドログ %4、実行ログ %5</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Cannot acknowledge the alert: %1</source>
        <translation>アラートを確認済みにできません: %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cannot stop %1: %2</source>
        <translation>%1 を停止できません: %2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cannot create the user: %1</source>
        <translation>ユーザーを作成できません: %1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Delete user</source>
        <translation>ユーザーを削除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete user %1?</source>
        <translation>ユーザー %1 を削除しますか?</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Their tokens stop working. The server refuses while they are the only owner of a repository or an application.</source>
        <translation>このユーザーのトークンは使えなくなります。ユーザーがリポジトリまたはアプリケーションの唯一の所有者である間は、サーバーが削除を拒否します。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cannot delete %1: %2</source>
        <translation>%1 を削除できません: %2</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Cannot create the token: %1</source>
        <translation>トークンを作成できません: %1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Cannot revoke the token: %1</source>
        <translation>トークンを失効させられません: %1</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::AlertListModel</name>
    <message>
        <location filename="../desktop/models/alert_list_model.cpp" line="+39"/>
        <source>open</source>
        <translation>未確認</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Application</source>
        <translation>アプリケーション</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kind</source>
        <translation>種別</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Opened</source>
        <translation>発生日時</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Acknowledged by</source>
        <translation>確認者</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ApiClient</name>
    <message>
        <location filename="../desktop/client/api_client.cpp" line="+56"/>
        <source>No token: set VITRINE_TOKEN or start with --token.</source>
        <translation>トークンがありません: VITRINE_TOKEN を設定するか、--token を付けて起動してください。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ApplicationForm</name>
    <message>
        <location filename="../desktop/views/application_form.cpp" line="+60"/>
        <source>Static files, as they are (static)</source>
        <translation>静的ファイルをそのまま配信 (static)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Static site built by a command (static-cmd)</source>
        <translation>コマンドでビルドする静的サイト (static-cmd)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Static site built by a Dockerfile (static-dockerfile)</source>
        <translation>Dockerfile でビルドする静的サイト (static-dockerfile)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Running app started by a command (runtime-cmd)</source>
        <translation>コマンドで起動する実行アプリ (runtime-cmd)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Running app from a Dockerfile (runtime-dockerfile)</source>
        <translation>Dockerfile から実行するアプリ (runtime-dockerfile)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Detect the stack (auto)</source>
        <translation>スタックを自動検出 (auto)</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>&amp;Name:</source>
        <translation>名前(&amp;N):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lowercase letters, digits and &apos;-&apos;, e.g. club-blog</source>
        <translation>英小文字・数字・&apos;-&apos; (例: club-blog)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Branch or tag:</source>
        <translation>ブランチまたはタグ(&amp;B):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Build</source>
        <translation>ビルド</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Build &amp;type:</source>
        <translation>ビルドの種類(&amp;T):</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Build &amp;command:</source>
        <translation>ビルドコマンド(&amp;C):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Start command:</source>
        <translation>起動コマンド(&amp;S):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Artifact directory:</source>
        <translation>成果物ディレクトリ(&amp;A):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. dist; the repository root when empty</source>
        <translation>例: dist。空の場合はリポジトリのルート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Dockerfile:</source>
        <translation>Dockerfile(&amp;D):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>C&amp;ontext directory:</source>
        <translation>コンテキストディレクトリ(&amp;O):</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+344"/>
        <source>the repository root</source>
        <translation>リポジトリのルート</translation>
    </message>
    <message>
        <location line="-343"/>
        <source>&amp;Port:</source>
        <translation>ポート(&amp;P):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>8080 (default)</source>
        <translation>8080 (既定)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Runtime</source>
        <translation>ランタイム</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Serve index.html for paths with no file (single-page app)</source>
        <translation>ファイルのないパスには index.html を返す (シングルページアプリ)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Health check path:</source>
        <translation>ヘルスチェックのパス(&amp;H):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. /healthz; an open port is enough when empty</source>
        <translation>例: /healthz。空の場合はポートが開いていれば正常</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Memory limit (MiB):</source>
        <translation>メモリ上限 (MiB)(&amp;M):</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Server default</source>
        <translation>サーバーの既定値</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>&amp;CPU (millicores):</source>
        <translation>CPU (ミリコア)(&amp;C):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1000 millicores are one core</source>
        <translation>1000 ミリコアで 1 コア</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Sleep after idle (seconds):</source>
        <translation>アイドル後にスリープ (秒)(&amp;S):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Never</source>
        <translation>しない</translation>
    </message>
    <message>
        <location line="+190"/>
        <source>Websites</source>
        <translation>ウェブサイト</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Where the application is served. With none, it is served at NAME.localhost.</source>
        <translation>アプリケーションを配信する場所です。指定がなければ アプリ名.localhost で配信されます。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Path prefix</source>
        <translation>パスプレフィックス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Strip prefix</source>
        <translation>プレフィックスを除去</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Add website</source>
        <translation>ウェブサイトを追加(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove website</source>
        <translation>ウェブサイトを削除(&amp;R)</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Website %1: %2</source>
        <translation>ウェブサイト %1: %2</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>e.g. dist (required)</source>
        <translation>例: dist (必須)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>optional, e.g. npm ci</source>
        <translation>任意。例: npm ci</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ApplicationListModel</name>
    <message>
        <location filename="../desktop/models/application_list_model.cpp" line="+223"/>
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
    <name>vitrine::desktop::ApplicationPage</name>
    <message>
        <location filename="../desktop/views/application_page.cpp" line="+75"/>
        <source>Start</source>
        <translation>起動</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Run the application</source>
        <translation>アプリケーションを起動します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop the running application</source>
        <translation>実行中のアプリケーションを停止します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restart</source>
        <translation>再起動</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replace the running instance with a new one, without downtime</source>
        <translation>ダウンタイムなしで、実行中のインスタンスを新しいインスタンスに置き換えます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the application with its builds and logs</source>
        <translation>アプリケーションをビルドとログごと削除します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel build</source>
        <translation>ビルドをキャンセル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the selected queued or running build</source>
        <translation>選択した待機中または実行中のビルドを停止します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retry</source>
        <translation>再試行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Build the current commit again with the current settings</source>
        <translation>現在のコミットを現在の設定でもう一度ビルドします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roll back to this build</source>
        <translation>このビルドにロールバック</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serve the selected build until the next commit or settings change</source>
        <translation>次のコミットまたは設定変更まで、選択したビルドを配信します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show log</source>
        <translation>ログを表示</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open the selected build&apos;s log</source>
        <translation>選択したビルドのログを開きます</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Websites:</source>
        <translation>ウェブサイト:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source:</source>
        <translation>ソース:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Commit:</source>
        <translation>コミット:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serving:</source>
        <translation>配信中:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Build type:</source>
        <translation>ビルドの種類:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owners:</source>
        <translation>所有者:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resources:</source>
        <translation>リソース:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Builds</source>
        <translation>ビルド</translation>
    </message>
    <message numerus="yes">
        <location line="+124"/>
        <source>%1 · %n restart(s)</source>
        <translation>
            <numerusform>%1 · 再起動 %n 回</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stopped by the platform: %1</source>
        <translation>プラットフォームにより停止: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not fetched yet</source>
        <translation>未取得</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>nothing yet</source>
        <translation>まだありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>build %1</source>
        <translation>ビルド %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>build %1 (commit %2)</source>
        <translation>ビルド %1 (コミット %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1, pinned by a rollback</source>
        <translation>%1、ロールバックで固定</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+2"/>
        <source>default</source>
        <translation>既定</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 cores</source>
        <translation>%1 コア</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>after %n s idle</source>
        <translation>
            <numerusform>アイドル %n 秒後</numerusform>
        </translation>
    </message>
    <message>
        <location line="+0"/>
        <source>never</source>
        <translation>しない</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>memory %1 · CPU %2 · sleeps %3 · %n environment variable(s)</source>
        <translation>
            <numerusform>メモリ %1 · CPU %2 · スリープ %3 · 環境変数 %n 個</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Could not load the application: %1</source>
        <translation>アプリケーションを読み込めませんでした: %1</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Delete %1?</source>
        <translation>%1 を削除しますか?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the application %1? It stops, and its builds, artifacts and logs are removed. This cannot be undone.</source>
        <translation>アプリケーション %1 を削除しますか? アプリケーションは停止し、ビルド、成果物、ログも削除されます。この操作は元に戻せません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>deleted</source>
        <translation>削除済み</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ApplicationSettingsPage</name>
    <message>
        <location filename="../desktop/views/application_settings_page.cpp" line="+23"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;vert</source>
        <translation>元に戻す(&amp;V)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A change of the build rebuilds the application; websites and runtime options apply without a build.</source>
        <translation>ビルド設定を変更するとアプリケーションが再ビルドされます。ウェブサイトと実行時オプションはビルドなしで反映されます。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Load the saved settings again, dropping your changes</source>
        <translation>保存済みの設定を再読み込みし、変更を破棄します</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not load the settings: %1</source>
        <translation>設定を読み込めませんでした: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Repository: %1</source>
        <translation>リポジトリ: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not saved: see the marked field.</source>
        <translation>保存されていません: マークされた項目を確認してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not saved: %1</source>
        <translation>保存されていません: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved.</source>
        <translation>保存しました。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ApplicationView</name>
    <message>
        <location filename="../desktop/views/application_view.cpp" line="+40"/>
        <source>Overview</source>
        <translation>概要</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logs</source>
        <translation>ログ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Metrics</source>
        <translation>メトリクス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::BuildListModel</name>
    <message>
        <location filename="../desktop/models/build_list_model.cpp" line="+118"/>
        <source>%1 (serving)</source>
        <translation>%1 (配信中)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>#%1 in queue</source>
        <translation>キューの %1 番目</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The application serves this build</source>
        <translation>アプリケーションはこのビルドを配信しています</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Commit</source>
        <translation>コミット</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Queued</source>
        <translation>キュー投入</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duration</source>
        <translation>所要時間</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location line="+9"/>
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
    <message>
        <location line="+4"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::BuildLogPage</name>
    <message>
        <location filename="../desktop/views/build_log_page.cpp" line="+21"/>
        <source>Build %1 of %2</source>
        <translation>%2 のビルド %1</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Build succeeded</source>
        <translation>ビルド成功</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Build canceled</source>
        <translation>ビルドキャンセル</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Build failed</source>
        <translation>ビルド失敗</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Build failed: %1</source>
        <translation>ビルド失敗: %1</translation>
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
    <name>vitrine::desktop::BuildQueueModel</name>
    <message>
        <location filename="../desktop/models/build_queue_model.cpp" line="+60"/>
        <source>queued for %1</source>
        <translation>待機中 (%1)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>building for %1</source>
        <translation>ビルド中 (%1)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Position</source>
        <translation>順番</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Application</source>
        <translation>アプリケーション</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Commit</source>
        <translation>コミット</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting</source>
        <translation>待機時間</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::BuilderListModel</name>
    <message>
        <location filename="../desktop/models/builder_list_model.cpp" line="+21"/>
        <source>remote</source>
        <translation>リモート</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>local</source>
        <translation>ローカル</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 / %2 busy</source>
        <translation>%1 / %2 使用中</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Builder</source>
        <translation>ビルダー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Slots</source>
        <translation>スロット</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Running builds</source>
        <translation>実行中のビルド</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ConnectionCheck</name>
    <message>
        <location filename="../desktop/client/connection_check.cpp" line="+13"/>
        <source>No token: paste your API token first.</source>
        <translation>トークンがありません: まず API トークンを貼り付けてください。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ConnectionDialog</name>
    <message>
        <location filename="../desktop/views/connection_dialog.cpp" line="+40"/>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use TLS</source>
        <translation>TLS を使用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check connection</source>
        <translation>接続を確認</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use this server</source>
        <translation>このサーバーを使用</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Servers</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>host:port, for example vitrine.example.org:50051</source>
        <translation>ホスト:ポート (例: vitrine.example.org:50051)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The system&apos;s certificate authorities</source>
        <translation>システムの認証局</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Paste your API token</source>
        <translation>API トークンを貼り付けてください</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Server address</source>
        <translation>サーバーアドレス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CA file</source>
        <translation>CA ファイル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Token</source>
        <translation>トークン</translation>
    </message>
    <message>
        <location line="+50"/>
        <location line="+98"/>
        <source>Saved.</source>
        <translation>保存しました。</translation>
    </message>
    <message>
        <location line="-64"/>
        <source>%1 (in use)</source>
        <translation>%1 (使用中)</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>CA certificate</source>
        <translation>CA 証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>PEM 証明書 (*.pem *.crt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Saving the token…</source>
        <translation>トークンを保存中…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Checking…</source>
        <translation>確認中…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Connected to Vitrine %1 as %2 (admin).</source>
        <translation>Vitrine %1 に %2 (管理者) として接続しました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected to Vitrine %1 as %2.</source>
        <translation>Vitrine %1 に %2 として接続しました。</translation>
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
    <name>vitrine::desktop::EnvVarEditor</name>
    <message>
        <location filename="../desktop/views/env_var_editor.cpp" line="+66"/>
        <source>Show &amp;values</source>
        <translation>値を表示(&amp;V)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Key</source>
        <translation>キー</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Add variable</source>
        <translation>変数を追加(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove variable</source>
        <translation>変数を削除(&amp;R)</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Row %1: a variable needs a key.</source>
        <translation>%1 行目: 変数にはキーが必要です。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: a key may hold only capital letters, digits and &apos;_&apos;, and must not start with a digit.</source>
        <translation>%1: キーに使えるのは英大文字、数字、&apos;_&apos; だけで、数字で始めることはできません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is given more than once.</source>
        <translation>%1 が複数回指定されています。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::EnvironmentPage</name>
    <message>
        <location filename="../desktop/views/environment_page.cpp" line="+23"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;vert</source>
        <translation>元に戻す(&amp;V)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Variables are given to the build and to the running app. Saving a change rebuilds and redeploys %1.</source>
        <translation>変数はビルドと実行中のアプリに渡されます。変更を保存すると %1 が再ビルドされ、再デプロイされます。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Load the saved variables again, dropping your changes</source>
        <translation>保存済みの変数を再読み込みし、変更を破棄します</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not load the variables: %1</source>
        <translation>変数を読み込めませんでした: %1</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Nothing to save.</source>
        <translation>保存する変更はありません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+24"/>
        <source>Not saved.</source>
        <translation>保存されていません。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved. %1 rebuilds and redeploys with these variables.</source>
        <translation>保存しました。%1 はこれらの変数で再ビルドされ、再デプロイされます。</translation>
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
    <name>vitrine::desktop::LogView</name>
    <message>
        <location filename="../desktop/views/log_view.cpp" line="+102"/>
        <location line="+151"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="-151"/>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <location line="+139"/>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find lines containing this text (Enter: next, Shift+Enter: previous)</source>
        <translation>このテキストを含む行を検索します (Enter: 次へ、Shift+Enter: 前へ)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include (regex)</source>
        <translation>含める (正規表現)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+234"/>
        <source>Show only the lines matching this regular expression</source>
        <translation>この正規表現に一致する行だけを表示します</translation>
    </message>
    <message>
        <location line="-233"/>
        <source>Exclude (regex)</source>
        <translation>除外 (正規表現)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+238"/>
        <source>Hide the lines matching this regular expression</source>
        <translation>この正規表現に一致する行を非表示にします</translation>
    </message>
    <message>
        <location line="-234"/>
        <source>Follow</source>
        <translation>追従</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep the newest line in view</source>
        <translation>最新の行を常に表示します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the time column</source>
        <translation>時刻列を表示</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+12"/>
        <source>Copy all</source>
        <translation>すべてコピー</translation>
    </message>
    <message>
        <location line="-10"/>
        <location line="+12"/>
        <source>Export…</source>
        <translation>エクスポート…</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Previous</source>
        <translation>前へ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find the previous line containing the search text</source>
        <translation>検索テキストを含む前の行を検索します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find the next line containing the search text</source>
        <translation>検索テキストを含む次の行を検索します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy every line shown to the clipboard</source>
        <translation>表示中のすべての行をクリップボードにコピーします</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the lines shown to a text file</source>
        <translation>表示中の行をテキストファイルに保存します</translation>
    </message>
    <message>
        <location line="+102"/>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Live</source>
        <translation>ライブ</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>%n 秒後に再接続</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Finished</source>
        <translation>完了</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Failed: %1</source>
        <translation>失敗: %1</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Invalid pattern: %1 (at character %2)</source>
        <translation>無効なパターン: %1 (%2 文字目)</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>No matches</source>
        <translation>一致なし</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 match</source>
        <translation>1 件一致</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 matches</source>
        <translation>%1 件一致</translation>
    </message>
    <message>
        <location line="+51"/>
        <location line="+8"/>
        <source>Lines copied: %1</source>
        <translation>コピーした行数: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Export log</source>
        <translation>ログのエクスポート</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text files (*.txt *.log)</source>
        <translation>テキストファイル (*.txt *.log)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Lines exported to %1: %2</source>
        <translation>%1 にエクスポートした行数: %2</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::MainWindow</name>
    <message>
        <location filename="../desktop/views/main_window.cpp" line="+321"/>
        <source>Server: %1</source>
        <translation>サーバー: %1</translation>
    </message>
    <message>
        <location line="-196"/>
        <source>&amp;Refresh</source>
        <translation>更新(&amp;R)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Vitrine</source>
        <translation>Vitrine</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reload the server&apos;s information and your applications</source>
        <translation>サーバー情報とアプリケーションを再読み込みします</translation>
    </message>
    <message>
        <location line="+141"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location line="-62"/>
        <source>Search apps</source>
        <translation>アプリを検索</translation>
    </message>
    <message>
        <location line="-135"/>
        <source>All states</source>
        <translation>すべての状態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Needs attention</source>
        <translation>要対応</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Running</source>
        <translation>稼働中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped or asleep</source>
        <translation>停止またはスリープ中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Static sites</source>
        <translation>静的サイト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not deployed yet</source>
        <translation>まだデプロイされていません</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;New application…</source>
        <translation>新規アプリケーション(&amp;N)…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Connections…</source>
        <translation>接続…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Applications</source>
        <translation>アプリケーション</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Cannot read the token: %1</source>
        <translation>トークンを読めません: %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Show only the applications whose name, repository or owners contain this</source>
        <translation>名前・リポジトリ・所有者にこの文字列を含むアプリケーションだけを表示します</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Double-click an application to open it</source>
        <translation>アプリケーションをダブルクリックすると開きます</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>&amp;Connections…</source>
        <translation>接続(&amp;C)…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The language changes when Vitrine starts again.</source>
        <translation>言語は Vitrine の次回起動時に切り替わります。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Repositories</source>
        <translation>リポジトリ</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Vitrine keeps running in the tray; quit it from the tray&apos;s menu.</source>
        <translation>Vitrine はトレイで動作し続けます。終了するにはトレイのメニューを使ってください。</translation>
    </message>
    <message>
        <location line="+18"/>
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
        <location line="+13"/>
        <source>Admin</source>
        <translation>管理</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not connected: %1</source>
        <translation>未接続: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Applications: %1</source>
        <translation>アプリケーション: %1 件</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>All owners</source>
        <translation>すべての所有者</translation>
    </message>
    <message>
        <location line="+16"/>
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
    <message>
        <location line="+101"/>
        <source>Build log: %1</source>
        <translation>ビルドログ: %1</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Deleted %1.</source>
        <translation>%1 を削除しました。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::MetricsPage</name>
    <message>
        <location filename="../desktop/views/metrics_page.cpp" line="+56"/>
        <source>How far back the charts reach</source>
        <translation>グラフに表示する期間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 15 minutes</source>
        <translation>過去 15 分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last hour</source>
        <translation>過去 1 時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 6 hours</source>
        <translation>過去 6 時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 24 hours</source>
        <translation>過去 24 時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 3 days</source>
        <translation>過去 3 日間</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>CPU (cores)</source>
        <translation>CPU (コア)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Memory (MiB)</source>
        <translation>メモリ (MiB)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Restarts</source>
        <translation>再起動</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Requests per second</source>
        <translation>1 秒あたりのリクエスト数</translation>
    </message>
    <message>
        <location line="+102"/>
        <source>Live updates: connecting…</source>
        <translation>ライブ更新: 接続中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Live updates: on</source>
        <translation>ライブ更新: オン</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
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
    <message>
        <location line="+43"/>
        <source>Cannot load the metrics: %1</source>
        <translation>メトリクスを読み込めません: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No samples yet</source>
        <translation>まだサンプルがありません</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::NewApplicationWizard</name>
    <message>
        <location filename="../desktop/views/new_application_wizard.cpp" line="+50"/>
        <source>New application</source>
        <translation>新規アプリケーション</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Create</source>
        <translation>作成(&amp;C)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Build</source>
        <translation>ビルド</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the platform builds each commit, and how the result runs.</source>
        <translation>各コミットのビルド方法と、ビルド結果の実行方法。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Websites</source>
        <translation>ウェブサイト</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The addresses the application is served at.</source>
        <translation>アプリケーションを配信するアドレス。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Repository</source>
        <translation>リポジトリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Git repository the application builds from, and what to call it.</source>
        <translation>アプリケーションのビルド元となる Git リポジトリと、アプリケーションの名前。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Repository:</source>
        <translation>リポジトリ(&amp;R):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;New repository…</source>
        <translation>新規リポジトリ(&amp;N)…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Environment variables</source>
        <translation>環境変数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Given to the build and to the running app. Optional.</source>
        <translation>ビルドと実行中のアプリに渡されます。省略可。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Loading repositories…</source>
        <translation>リポジトリを読み込み中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not load the repositories: %1</source>
        <translation>リポジトリを読み込めませんでした: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>You have no repository yet: create one with New repository.</source>
        <translation>まだリポジトリがありません: 「新規リポジトリ」で作成してください。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Creating…</source>
        <translation>作成中…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Created %1.</source>
        <translation>%1 を作成しました。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+16"/>
        <source>Not created: %1</source>
        <translation>作成できませんでした: %1</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Not created: see the marked field.</source>
        <translation>作成できませんでした: 印の付いた項目を確認してください。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::NotificationFeed</name>
    <message>
        <location filename="../desktop/models/notification_feed.cpp" line="+100"/>
        <source>Build of %1 failed</source>
        <translation>%1 のビルドに失敗しました</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Build %1 failed.</source>
        <translation>ビルド %1 が失敗しました。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 keeps restarting</source>
        <translation>%1 が再起動を繰り返しています</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 ran out of memory</source>
        <translation>%1 がメモリ不足になりました</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deploy of %1 failed</source>
        <translation>%1 のデプロイに失敗しました</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 was stopped</source>
        <translation>%1 が停止されました</translation>
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
    <name>vitrine::desktop::RepositoriesPage</name>
    <message>
        <location filename="../desktop/views/repositories_page.cpp" line="+24"/>
        <source>&amp;New…</source>
        <translation>新規(&amp;N)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit…</source>
        <translation>編集(&amp;E)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Delete</source>
        <translation>削除(&amp;D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Webhook URLs</source>
        <translation>Webhook URL(&amp;W)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reload</source>
        <translation>再読み込み(&amp;R)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Register a git repository that applications can build from</source>
        <translation>アプリケーションのビルド元にする Git リポジトリを登録します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change the URL, the webhook secret or the owners</source>
        <translation>URL・Webhook シークレット・所有者を変更します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete the repository; no application may still build from it</source>
        <translation>リポジトリを削除します (ビルド元として使っているアプリケーションがない場合のみ)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where the forge sends push notifications for this repository</source>
        <translation>Git ホスティングがこのリポジトリのプッシュ通知を送る宛先</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>Delete repository</source>
        <translation>リポジトリの削除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete repository %1?</source>
        <translation>リポジトリ %1 を削除しますか?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server refuses while applications still build from it.</source>
        <translation>このリポジトリからビルドするアプリケーションがある間は、サーバーが削除を拒否します。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The server did not say where it receives webhooks: ask its administrator for the address.</source>
        <translation>サーバーが Webhook の受信先を通知しませんでした: 管理者にアドレスを問い合わせてください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>GitHub: %1
Gitea, Forgejo: %2</source>
        <translation>GitHub: %1
Gitea, Forgejo: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Webhook URLs of %1</source>
        <translation>%1 の Webhook URL</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Deliveries must be signed with the repository&apos;s secret.</source>
        <translation>配信はリポジトリのシークレットで署名されている必要があります。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The repository has no webhook secret: unsigned deliveries are accepted. Set one with Edit…</source>
        <translation>このリポジトリには Webhook シークレットがありません: 署名のない配信も受け付けます。シークレットの設定: 編集…</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::RepositoryDialog</name>
    <message>
        <location filename="../desktop/views/repository_dialog.cpp" line="+75"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Edit repository %1</source>
        <translation>リポジトリ %1 の編集</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New repository</source>
        <translation>新規リポジトリ</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>https://git.example.org/club/site.git</source>
        <translation>https://git.example.org/club/site.git</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fill in a new random secret</source>
        <translation>新しいランダムなシークレットを入力します</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>User names, separated by commas</source>
        <translation>ユーザー名 (カンマ区切り)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Name:</source>
        <translation>名前:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unchanged (a secret is set)</source>
        <translation>変更なし (シークレット設定済み)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>None: deliveries are not checked</source>
        <translation>なし: 配信を検証しません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>club-site</source>
        <translation>club-site</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lower-case letters, digits and hyphens; unique on the server</source>
        <translation>英小文字・数字・ハイフン。サーバー内で一意</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Name:</source>
        <translation>名前(&amp;N):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Optional: webhook deliveries must be signed with it</source>
        <translation>省略可: Webhook の配信にはこのシークレットによる署名が必要になります</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Optional: you</source>
        <translation>省略可: 自分</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;URL:</source>
        <translation>URL(&amp;U):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Webhook &amp;secret:</source>
        <translation>Webhook シークレット(&amp;S):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove the secret: accept unsigned deliveries</source>
        <translation>シークレットを削除: 署名のない配信を受け付けます</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Owners:</source>
        <translation>所有者(&amp;O):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Create</source>
        <translation>作成</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&lt;b&gt;Set up the webhook&lt;/b&gt;</source>
        <translation>&lt;b&gt;Webhook の設定&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Add a webhook for push events in the forge&apos;s repository settings, signed with this secret. The server did not say where it receives webhooks: ask its administrator for the address.</source>
        <translation>Git ホスティングのリポジトリ設定で、プッシュイベント用の Webhook をこのシークレットで署名するよう追加してください。サーバーが Webhook の受信先を通知しませんでした: 管理者にアドレスを問い合わせてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add a webhook for push events in the forge&apos;s repository settings, with the URL for the forge and this secret. Pushes then build at once.</source>
        <translation>Git ホスティングのリポジトリ設定で、プッシュイベント用の Webhook を、そのサービス用の URL とこのシークレットで追加してください。以後、プッシュするとすぐにビルドされます。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>GitHub:</source>
        <translation>GitHub:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Gitea, Forgejo:</source>
        <translation>Gitea, Forgejo:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Secret:</source>
        <translation>シークレット:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server never shows the secret again.</source>
        <translation>このシークレットがサーバーで再表示されることはありません。</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::RepositoryListModel</name>
    <message>
        <location filename="../desktop/models/repository_list_model.cpp" line="+96"/>
        <source>yes</source>
        <translation>あり</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Webhook deliveries must be signed with the secret</source>
        <translation>Webhook の配信にはシークレットによる署名が必要です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No webhook secret: deliveries are not checked</source>
        <translation>Webhook シークレットなし: 配信を検証しません</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Owners</source>
        <translation>所有者</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Updated</source>
        <translation>更新日時</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::ScreenshotTour</name>
    <message>
        <location filename="../desktop/views/screenshot_tour.cpp" line="+57"/>
        <source>Cannot create the directory %1.</source>
        <translation>ディレクトリ %1 を作成できません。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Not connected after %1 s: start the server, and pass --server and --token (or set VITRINE_SERVER and VITRINE_TOKEN).</source>
        <translation>%1 秒経っても接続できません: サーバーを起動し、--server と --token を指定してください (または VITRINE_SERVER と VITRINE_TOKEN を設定してください)。</translation>
    </message>
    <message numerus="yes">
        <location line="+70"/>
        <source>Saved %n screenshot(s):
</source>
        <translation>
            <numerusform>スクリーンショットを %n 枚保存しました:
</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot show the view %1.</source>
        <translation>ビュー %1 を表示できません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The view %1 closed before it could be saved.</source>
        <translation>ビュー %1 が保存前に閉じられました。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot write %1.</source>
        <translation>%1 に書き込めません。</translation>
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
    <name>vitrine::desktop::TokenListModel</name>
    <message>
        <location filename="../desktop/models/token_list_model.cpp" line="+39"/>
        <location line="+2"/>
        <source>never</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>revoked</source>
        <translation>失効</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expired</source>
        <translation>期限切れ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>active</source>
        <translation>有効</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expires</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last used</source>
        <translation>最終使用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>状態</translation>
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
<context>
    <name>vitrine::desktop::TrayNotifier</name>
    <message>
        <location filename="../desktop/views/tray_notifier.cpp" line="+57"/>
        <source>Mute notifications for…</source>
        <translation>通知をミュート…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Vitrine</source>
        <translation>Vitrine</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Show Vitrine</source>
        <translation>Vitrine を表示</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Latest notifications</source>
        <translation>最新の通知</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No notifications yet</source>
        <translation>まだ通知はありません</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
</context>
<context>
    <name>vitrine::desktop::UserListModel</name>
    <message>
        <location filename="../desktop/models/user_list_model.cpp" line="+23"/>
        <source>admin</source>
        <translation>管理者</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>member</source>
        <translation>メンバー</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Role</source>
        <translation>役割</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
</context>
</TS>
