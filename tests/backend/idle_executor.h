#pragma once

#include "usecases/build_service.h"

namespace vitrine::tests {

// A build executor with no slots: for tests that serve builds' logs and events but run no builds.
class IdleExecutor final : public usecases::BuildExecutor {
public:
    int freeSlots() const override { return 0; }
    void start(const domain::Build &) override {}
    bool cancel(const QString &) override { return false; }
    QList<usecases::BuilderStatus> builders() const override { return {}; }
};

} // namespace vitrine::tests
