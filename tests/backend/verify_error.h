#pragma once

#include "domain/error.h"

#include <QTest>

#include <functional>
#include <optional>

// Evaluates expression and checks it throws domain::Error of that kind with messagePart in its message.
#define VERIFY_ERROR(expression, expectedKind, messagePart)                                                  \
    do {                                                                                                     \
        try {                                                                                                \
            expression;                                                                                      \
        } catch (const vitrine::domain::Error &error) {                                                      \
            QCOMPARE(int(error.kind()), int(expectedKind));                                                  \
            QVERIFY2(error.message().contains(messagePart), qPrintable(error.message()));                    \
            break;                                                                                           \
        }                                                                                                    \
        QFAIL("no error from: " #expression);                                                                \
    } while (false)

namespace vitrine::tests {

// The kind of the domain::Error that action throws; std::nullopt when it does not throw.
inline std::optional<domain::ErrorKind> errorKindOf(const std::function<void()> &action)
{
    try {
        action();
    } catch (const domain::Error &error) {
        return error.kind();
    }
    return std::nullopt;
}

} // namespace vitrine::tests
