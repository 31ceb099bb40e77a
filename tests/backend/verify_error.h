#pragma once

#include "domain/error.h"

#include <QTest>

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
