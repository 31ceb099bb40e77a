#include "views/build_log_page.h"

#include "client/build_log_stream.h"
#include "views/log_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace vitrine::desktop {

BuildLogPage::BuildLogPage(const ConnectionSettings &settings, QString buildId, QString applicationName,
                           QWidget *parent)
    : QWidget(parent)
    , m_buildId(std::move(buildId))
    , m_applicationName(std::move(applicationName))
    , m_stream(new BuildLogStream(settings, m_buildId, this))
    , m_view(new LogView(this))
    , m_buildState(new QLabel(this))
{
    auto *title = new QLabel(tr("Build %1 of %2").arg(m_buildId, m_applicationName), this);
    title->setObjectName(QStringLiteral("buildLogTitle"));
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_buildState->setObjectName(QStringLiteral("buildLogState"));

    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch();
    header->addWidget(m_buildState);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);

    connect(m_stream, &BuildLogStream::linesReceived, m_view, &LogView::appendLines);
    connect(m_stream, &BuildLogStream::statusChanged, m_view, &LogView::setStreamStatus);
    connect(m_stream, &BuildLogStream::finished, this, &BuildLogPage::showFinalState);
    m_stream->start();
}

void BuildLogPage::revealFirstErrorWhenComplete()
{
    if (m_complete)
        m_view->revealFirstError();
    else
        m_revealWhenComplete = true;
}

void BuildLogPage::showFinalState(const QString &state, const QString &failureReason)
{
    if (state == QStringLiteral("succeeded"))
        m_buildState->setText(tr("Build succeeded"));
    else if (state == QStringLiteral("canceled"))
        m_buildState->setText(tr("Build canceled"));
    else if (failureReason.isEmpty())
        m_buildState->setText(tr("Build failed"));
    else
        m_buildState->setText(tr("Build failed: %1").arg(failureReason));
    m_buildState->setToolTip(failureReason);
    m_complete = true;
    if (m_revealWhenComplete) {
        m_revealWhenComplete = false;
        m_view->revealFirstError();
    }
}

} // namespace vitrine::desktop
