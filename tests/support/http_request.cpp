#include "http_request.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace vitrine::tests {

HttpReply httpRequest(const QByteArray &method, const QUrl &url,
                      const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body,
                      int timeoutMs)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();

    HttpReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError)
        result.error = reply->errorString();
    reply->deleteLater();
    return result;
}

HttpReply getThroughRouter(const QString &routerAddress, const QString &host, const QString &path)
{
    return httpRequest("GET", QUrl(QStringLiteral("http://%1%2").arg(routerAddress, path)),
                       {{"Host", host.toUtf8()}});
}

HttpReply postGithubPush(const QString &httpAddress, const QString &cloneUrl, const QString &secret)
{
    const QJsonObject payload{
        {QStringLiteral("ref"), QStringLiteral("refs/heads/main")},
        {QStringLiteral("repository"), QJsonObject{{QStringLiteral("clone_url"), cloneUrl}}},
    };
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    QList<QPair<QByteArray, QByteArray>> headers{
        {"Content-Type", "application/json"},
        {"X-GitHub-Event", "push"},
    };
    if (!secret.isEmpty()) {
        const QByteArray digest =
            QMessageAuthenticationCode::hash(body, secret.toUtf8(), QCryptographicHash::Sha256).toHex();
        headers.append({"X-Hub-Signature-256", "sha256=" + digest});
    }
    return httpRequest("POST", QUrl(QStringLiteral("http://%1/webhooks/github").arg(httpAddress)), headers,
                       body);
}

} // namespace vitrine::tests
