#pragma once

#include "client/application_config_api.h"

#include <QList>
#include <QString>
#include <QWidget>

class QCheckBox;
class QLabel;
class QTableWidget;

namespace vitrine::desktop {

// A key/value table of environment variables: add and remove rows, values masked until "Show values" is
// ticked. Keys are checked here as they are typed (^[A-Z_][A-Z0-9_]*$, each once); the server's refusals
// show on the row they name.
class EnvVarEditor : public QWidget {
    Q_OBJECT

public:
    explicit EnvVarEditor(QWidget *parent = nullptr);

    void setVariables(const QList<EnvVar> &vars);
    // The rows with a key or a value, in table order.
    QList<EnvVar> variables() const;

    // Checks every key and shows what is wrong; true when all are fine.
    bool validate();
    // Shows a server refusal: `field` is "env.KEY", "keys[N]" (the Nth of `keys`, the keys of an unset) or
    // "env"; `message` the server's. The row of the key, when found, is marked.
    void showServerError(const QString &field, const QString &message, const QStringList &keys = {});
    void clearErrors();

signals:
    // The user changed a row.
    void edited();

private:
    void addRow(const EnvVar &var);
    void removeSelectedRows();
    void markRow(int row, const QString &message);
    void showError(const QString &message);
    int rowOfKey(const QString &key) const;

    QTableWidget *m_table;
    QCheckBox *m_showValues;
    QLabel *m_error;
};

} // namespace vitrine::desktop
