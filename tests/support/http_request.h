#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace vitrine::tests {

struct HttpReply {
    int status = 0; // 0: no answer (connection refused, timeout); see error
    QByteArray body;
    QString error; // the network error, for messages
};

// One blocking HTTP request on a local event loop (so call it from a thread without a running loop, e.g. a
// test function). `headers` may set Host, to reach a virtual host through a loopback address. Never throws.
HttpReply httpRequest(const QByteArray &method, const QUrl &url,
                      const QList<QPair<QByteArray, QByteArray>> &headers = {}, const QByteArray &body = {},
                      int timeoutMs = 10'000);

// GET http://ROUTER_ADDRESS/path with "Host: host": what the router serves for that website.
HttpReply getThroughRouter(const QString &routerAddress, const QString &host,
                           const QString &path = QStringLiteral("/"));

// A GitHub push delivery for the repository cloned from `cloneUrl`, signed with `secret` as GitHub signs
// (X-Hub-Signature-256: sha256=HMAC-SHA256 of the body), posted to http://HTTP_ADDRESS/webhooks/github.
// An empty secret sends no signature.
HttpReply postGithubPush(const QString &httpAddress, const QString &cloneUrl, const QString &secret);

} // namespace vitrine::tests
