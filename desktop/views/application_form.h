#pragma once

#include "client/application_config_api.h"

#include <QFlags>
#include <QHash>
#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace vitrine::desktop {

// Edits an ApplicationConfig, or some parts of it (the new application wizard spreads the parts over its
// pages): name and ref; the build type and the fields that type uses (only those are shown, and only those
// are written back); the websites; the runtime options that fit the deploy (SPA fallback for static sites,
// health check, limits and auto-sleep for running apps). A field the server refused shows a red border and
// the message under it.
class ApplicationForm : public QWidget {
    Q_OBJECT

public:
    enum class Part {
        Identity = 0x1, // name, ref
        Build = 0x2,    // build type and its fields
        Websites = 0x4,
        Runtime = 0x8, // SPA fallback, health check, memory, CPU, auto-sleep
    };
    Q_DECLARE_FLAGS(Parts, Part)
    static constexpr Parts kAllParts{0xf};

    explicit ApplicationForm(Parts parts = kAllParts, QWidget *parent = nullptr);

    Parts parts() const { return m_parts; }

    // Fills the inputs of this form's parts from `config` and clears the errors.
    void setConfig(const ApplicationConfig &config);
    // The config last set, with this form's parts as the inputs say.
    ApplicationConfig config() const;
    // Writes this form's parts into `config`, leaving the other fields as they are. Fields the build type
    // or the deploy does not use are written empty.
    void writeTo(ApplicationConfig &config) const;

    // Settings of an existing application cannot rename it.
    void setNameEditable(bool editable);

    // Shows `message` (the server's "field: problem" or just the problem) on the input of `field` as the
    // server names it ("name", "build.start_command", "websites[1].fqdn", "memory_limit_mb", …). Returns
    // false when no input of this form edits that field.
    bool showFieldError(const QString &field, const QString &message);
    void clearFieldErrors();

signals:
    // The user changed an input.
    void edited();

private:
    // One input with the message label under it, in one row of a form layout.
    struct FieldInput {
        QWidget *input = nullptr;
        QLabel *error = nullptr;
        QWidget *row = nullptr;
        QFormLayout *layout = nullptr;
    };

    QLineEdit *addLineEdit(QFormLayout *layout, const QString &label, const QString &field,
                           const QString &objectName);
    QSpinBox *addSpinBox(QFormLayout *layout, const QString &label, const QString &field,
                         const QString &objectName, int maximum, const QString &zeroText);
    QCheckBox *addCheckBox(QFormLayout *layout, const QString &text, const QString &field,
                           const QString &objectName);
    void addRow(QFormLayout *layout, const QString &label, const QString &field, QWidget *input);
    QString buildType() const;
    QWidget *createWebsites();
    void addWebsiteRow(const WebsiteConfig &website);
    void removeSelectedWebsites();
    QList<WebsiteConfig> websites() const;
    void showWebsiteError(int row, const QString &column, const QString &message);
    void updateVisibleFields();
    void setFieldVisible(const QString &field, bool visible);
    static void markInvalid(QWidget *input, bool invalid);

    const Parts m_parts;
    ApplicationConfig m_config;
    QHash<QString, FieldInput> m_fields; // by the server's field name
    QLineEdit *m_name = nullptr;
    QLineEdit *m_ref = nullptr;
    QComboBox *m_buildType = nullptr;
    QLineEdit *m_buildCommand = nullptr;
    QLineEdit *m_startCommand = nullptr;
    QLineEdit *m_artifactDir = nullptr;
    QLineEdit *m_dockerfile = nullptr;
    QLineEdit *m_contextDir = nullptr;
    QSpinBox *m_port = nullptr;
    QTableWidget *m_websites = nullptr;
    QLabel *m_websitesError = nullptr;
    QCheckBox *m_spaFallback = nullptr;
    QLineEdit *m_healthCheckPath = nullptr;
    QSpinBox *m_memoryLimit = nullptr;
    QSpinBox *m_cpuLimit = nullptr;
    QSpinBox *m_autoSleep = nullptr;
};

} // namespace vitrine::desktop

Q_DECLARE_OPERATORS_FOR_FLAGS(vitrine::desktop::ApplicationForm::Parts)
