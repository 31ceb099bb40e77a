#include "views/runtime_log_page.h"

#include "client/output_stream.h"
#include "views/log_view.h"

#include <QVBoxLayout>

namespace vitrine::desktop {

namespace {

// How much of the output already written the page shows first.
constexpr int kTailLines = 1000;

} // namespace

RuntimeLogPage::RuntimeLogPage(const ConnectionSettings &settings, QString application, QWidget *parent)
    : QWidget(parent)
    , m_application(std::move(application))
    , m_stream(new OutputStream(settings, m_application, kTailLines, this))
    , m_view(new LogView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view);

    connect(m_stream, &OutputStream::linesReceived, m_view, &LogView::appendLines);
    connect(m_stream, &OutputStream::statusChanged, m_view, &LogView::setStreamStatus);
    m_stream->start();
}

} // namespace vitrine::desktop
