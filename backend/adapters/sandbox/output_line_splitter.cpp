#include "adapters/sandbox/output_line_splitter.h"

namespace vitrine::adapters::sandbox {
namespace {

bool isUtf8Continuation(char byte)
{
    return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

} // namespace

OutputLineSplitter::OutputLineSplitter(domain::LogStream stream,
                                       const std::function<void(domain::LogStream, QString)> &onLine)
    : m_stream(stream)
    , m_onLine(onLine)
{
}

void OutputLineSplitter::append(const char *data, qsizetype size)
{
    m_pending.append(data, size);
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = m_pending.indexOf('\n', start);
        const qsizetype lineEnd = newline < 0 ? m_pending.size() : newline;
        if (lineEnd - start > kMaxLineBytes) {
            // A UTF-8 sequence is at most 4 bytes: stepping back up to 3 finds the start of the cut one.
            qsizetype cut = start + kMaxLineBytes;
            for (int step = 0; step < 3 && isUtf8Continuation(m_pending[cut]); ++step)
                --cut;
            if (isUtf8Continuation(m_pending[cut]))
                cut = start + kMaxLineBytes;
            deliver(m_pending.constData() + start, cut - start);
            start = cut;
            continue;
        }
        if (newline < 0)
            break;
        deliver(m_pending.constData() + start, newline - start);
        start = newline + 1;
    }
    m_pending.remove(0, start);
}

void OutputLineSplitter::finish()
{
    if (!m_pending.isEmpty())
        deliver(m_pending.constData(), m_pending.size());
    m_pending.clear();
}

void OutputLineSplitter::deliver(const char *data, qsizetype size)
{
    m_onLine(m_stream, QString::fromUtf8(data, size));
}

} // namespace vitrine::adapters::sandbox
