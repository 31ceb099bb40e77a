#include "views/repository_dialog.h"

#include <QCheckBox>
#include <QClipboard>
#include <QColor>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QPushButton>
#include <QRandomGenerator>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <array>
#include <utility>

namespace vitrine::desktop {

namespace {

// 160 bits, written as 40 hex digits: as strong as the HMAC-SHA256 check needs, and easy to paste.
QString randomSecret()
{
    std::array<quint32, 5> words{};
    QRandomGenerator::system()->fillRange(words.data(), static_cast<qsizetype>(words.size()));
    QString secret;
    for (quint32 word : words)
        secret += QStringLiteral("%1").arg(word, 8, 16, QLatin1Char('0'));
    return secret;
}

// "alice, bob" → {"alice", "bob"}.
QStringList ownerNames(const QString &text)
{
    QStringList names;
    for (const QString &part : text.split(QLatin1Char(',')))
        if (const QString name = part.trimmed(); !name.isEmpty())
            names.append(name);
    return names;
}

// A red message under a field, hidden until there is something to say.
QLabel *errorLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    label->setPalette(palette);
    label->hide();
    return label;
}

// An input with its error message right under it.
QWidget *withError(QWidget *input, QLabel *error)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(input);
    layout->addWidget(error);
    return box;
}

QPushButton *copyButton(const QString &objectName, QLabel *source)
{
    auto *button = new QPushButton(RepositoryDialog::tr("Copy"));
    button->setObjectName(objectName);
    QObject::connect(button, &QPushButton::clicked, source,
                     [source] { QGuiApplication::clipboard()->setText(source->text()); });
    return button;
}

} // namespace

RepositoryDialog::RepositoryDialog(ApiClient &api, QString webhookBaseUrl, QWidget *parent)
    : RepositoryDialog(api, std::move(webhookBaseUrl), std::nullopt, parent)
{
}

RepositoryDialog::RepositoryDialog(ApiClient &api, QString webhookBaseUrl,
                                   const RepositorySummary &repository, QWidget *parent)
    : RepositoryDialog(api, std::move(webhookBaseUrl), std::optional(repository), parent)
{
}

RepositoryDialog::RepositoryDialog(ApiClient &api, QString webhookBaseUrl,
                                   std::optional<RepositorySummary> editing, QWidget *parent)
    : QDialog(parent)
    , m_api(api)
    , m_webhookBaseUrl(std::move(webhookBaseUrl))
    , m_editing(std::move(editing))
    , m_pages(new QStackedWidget)
{
    setObjectName(QStringLiteral("repositoryDialog"));
    setWindowTitle(m_editing ? tr("Edit repository %1").arg(m_editing->name) : tr("New repository"));
    m_pages->addWidget(createFormPage());
    m_pages->addWidget(createWebhookPage());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
}

QWidget *RepositoryDialog::createFormPage()
{
    auto *page = new QWidget;
    page->setObjectName(QStringLiteral("repositoryFormPage"));

    m_urlField = new QLineEdit;
    m_urlField->setObjectName(QStringLiteral("repositoryUrlField"));
    m_urlField->setPlaceholderText(tr("https://git.example.org/club/site.git"));
    m_urlError = errorLabel(QStringLiteral("repositoryUrlError"));

    m_secretField = new QLineEdit;
    m_secretField->setObjectName(QStringLiteral("repositoryWebhookSecretField"));
    auto *generateButton = new QPushButton(tr("Generate"));
    generateButton->setObjectName(QStringLiteral("generateWebhookSecretButton"));
    generateButton->setToolTip(tr("Fill in a new random secret"));
    connect(generateButton, &QPushButton::clicked, this, &RepositoryDialog::generateSecret);
    auto *secretRow = new QWidget;
    auto *secretLayout = new QHBoxLayout(secretRow);
    secretLayout->setContentsMargins(0, 0, 0, 0);
    secretLayout->addWidget(m_secretField, 1);
    secretLayout->addWidget(generateButton);
    m_secretError = errorLabel(QStringLiteral("repositoryWebhookSecretError"));

    m_ownersField = new QLineEdit;
    m_ownersField->setObjectName(QStringLiteral("repositoryOwnersField"));
    m_ownersField->setToolTip(tr("User names, separated by commas"));
    m_ownersError = errorLabel(QStringLiteral("repositoryOwnersError"));

    auto *form = new QFormLayout;
    if (m_editing) {
        auto *nameLabel = new QLabel(m_editing->name);
        nameLabel->setObjectName(QStringLiteral("repositoryNameLabel"));
        nameLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("Name:"), nameLabel);
        m_urlField->setText(m_editing->url);
        m_secretField->setPlaceholderText(m_editing->hasWebhookSecret
                                              ? tr("Unchanged (a secret is set)")
                                              : tr("None: deliveries are not checked"));
        m_ownersField->setText(m_editing->owners.join(QStringLiteral(", ")));
    } else {
        m_nameField = new QLineEdit;
        m_nameField->setObjectName(QStringLiteral("repositoryNameField"));
        m_nameField->setPlaceholderText(tr("club-site"));
        m_nameField->setToolTip(tr("Lower-case letters, digits and hyphens; unique on the server"));
        m_nameError = errorLabel(QStringLiteral("repositoryNameError"));
        form->addRow(tr("&Name:"), withError(m_nameField, m_nameError));
        m_secretField->setPlaceholderText(tr("Optional: webhook deliveries must be signed with it"));
        m_ownersField->setPlaceholderText(tr("Optional: you"));
    }
    form->addRow(tr("&URL:"), withError(m_urlField, m_urlError));
    form->addRow(tr("Webhook &secret:"), withError(secretRow, m_secretError));
    if (m_editing && m_editing->hasWebhookSecret) {
        m_removeSecretCheck = new QCheckBox(tr("Remove the secret: accept unsigned deliveries"));
        m_removeSecretCheck->setObjectName(QStringLiteral("removeWebhookSecretCheck"));
        connect(m_removeSecretCheck, &QCheckBox::toggled, m_secretField, &QWidget::setDisabled);
        connect(m_removeSecretCheck, &QCheckBox::toggled, generateButton, &QWidget::setDisabled);
        form->addRow(QString(), m_removeSecretCheck);
    }
    form->addRow(tr("&Owners:"), withError(m_ownersField, m_ownersError));

    m_formError = errorLabel(QStringLiteral("repositoryDialogError"));

    auto *buttons = new QDialogButtonBox;
    m_saveButton = buttons->addButton(m_editing ? tr("Save") : tr("Create"), QDialogButtonBox::AcceptRole);
    m_saveButton->setObjectName(QStringLiteral("saveRepositoryButton"));
    m_saveButton->setDefault(true);
    QPushButton *cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
    cancelButton->setObjectName(QStringLiteral("cancelRepositoryButton"));
    connect(m_saveButton, &QPushButton::clicked, this, &RepositoryDialog::save);
    connect(cancelButton, &QPushButton::clicked, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(m_formError);
    layout->addStretch();
    layout->addWidget(buttons);
    return page;
}

QWidget *RepositoryDialog::createWebhookPage()
{
    auto *page = new QWidget;
    page->setObjectName(QStringLiteral("webhookSetupPage"));

    auto *title = new QLabel(tr("<b>Set up the webhook</b>"));
    auto *intro = new QLabel;
    intro->setWordWrap(true);
    m_githubUrlLabel = new QLabel;
    m_githubUrlLabel->setObjectName(QStringLiteral("githubWebhookUrlLabel"));
    m_giteaUrlLabel = new QLabel;
    m_giteaUrlLabel->setObjectName(QStringLiteral("giteaWebhookUrlLabel"));
    m_secretLabel = new QLabel;
    m_secretLabel->setObjectName(QStringLiteral("webhookSecretLabel"));

    auto *grid = new QGridLayout;
    int row = 0;
    if (m_webhookBaseUrl.isEmpty()) {
        intro->setText(
            tr("Add a webhook for push events in the forge's repository settings, signed with this "
               "secret. The server did not say where it receives webhooks: ask its administrator "
               "for the address."));
    } else {
        intro->setText(
            tr("Add a webhook for push events in the forge's repository settings, with the URL for "
               "the forge and this secret. Pushes then build at once."));
        m_githubUrlLabel->setText(m_webhookBaseUrl + QStringLiteral("github"));
        m_giteaUrlLabel->setText(m_webhookBaseUrl + QStringLiteral("gitea"));
        grid->addWidget(new QLabel(tr("GitHub:")), row, 0);
        grid->addWidget(m_githubUrlLabel, row, 1);
        grid->addWidget(copyButton(QStringLiteral("copyGithubWebhookUrlButton"), m_githubUrlLabel), row++, 2);
        grid->addWidget(new QLabel(tr("Gitea, Forgejo:")), row, 0);
        grid->addWidget(m_giteaUrlLabel, row, 1);
        grid->addWidget(copyButton(QStringLiteral("copyGiteaWebhookUrlButton"), m_giteaUrlLabel), row++, 2);
    }
    grid->addWidget(new QLabel(tr("Secret:")), row, 0);
    grid->addWidget(m_secretLabel, row, 1);
    grid->addWidget(copyButton(QStringLiteral("copyWebhookSecretButton"), m_secretLabel), row, 2);
    grid->setColumnStretch(1, 1);
    for (QLabel *label : {m_githubUrlLabel, m_giteaUrlLabel, m_secretLabel})
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *shownOnce = new QLabel(tr("The server never shows the secret again."));
    shownOnce->setWordWrap(true);

    auto *buttons = new QDialogButtonBox;
    QPushButton *closeButton = buttons->addButton(QDialogButtonBox::Close);
    closeButton->setObjectName(QStringLiteral("closeRepositoryDialogButton"));
    connect(closeButton, &QPushButton::clicked, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addLayout(grid);
    layout->addWidget(shownOnce);
    layout->addStretch();
    layout->addWidget(buttons);
    return page;
}

void RepositoryDialog::generateSecret()
{
    m_secretField->setText(randomSecret());
}

RepositoryChange RepositoryDialog::changeToSend() const
{
    RepositoryChange change;
    const QString url = m_urlField->text().trimmed();
    const QString secret = m_secretField->text().trimmed();
    const QStringList owners = ownerNames(m_ownersField->text());
    if (!m_editing) {
        change.name = m_nameField->text().trimmed();
        change.url = url;
        change.webhookSecret = secret;
        change.owners = owners;
        return change;
    }
    // Only what the user changed: an edit made elsewhere meanwhile stays.
    if (url != m_editing->url)
        change.url = url;
    if (m_removeSecretCheck && m_removeSecretCheck->isChecked())
        change.webhookSecret = QString();
    else if (!secret.isEmpty())
        change.webhookSecret = secret;
    if (owners != m_editing->owners)
        change.owners = owners;
    return change;
}

void RepositoryDialog::save()
{
    clearErrors();
    m_saveButton->setEnabled(false);
    const RepositoryChange change = changeToSend();
    auto done = [this](const CallResult<RepositorySummary> &result) { finishSave(result); };
    if (m_editing)
        updateRepository(m_api, this, m_editing->id, change, std::move(done));
    else
        createRepository(m_api, this, change, std::move(done));
}

void RepositoryDialog::finishSave(const CallResult<RepositorySummary> &result)
{
    m_saveButton->setEnabled(true);
    if (!result.ok()) {
        showError(result.errorField, result.error);
        return;
    }
    emit saved(*result.value);
    const QString secret = m_secretField->text().trimmed();
    if (!m_editing && !secret.isEmpty())
        showWebhookSetup(secret);
    else
        accept();
}

void RepositoryDialog::clearErrors()
{
    for (QLabel *label : {m_nameError, m_urlError, m_secretError, m_ownersError, m_formError}) {
        if (label) {
            label->clear();
            label->hide();
        }
    }
}

void RepositoryDialog::showError(const QString &field, const QString &message)
{
    QLabel *label = m_formError;
    if (field == QLatin1String("name") && m_nameError)
        label = m_nameError;
    else if (field == QLatin1String("url"))
        label = m_urlError;
    else if (field == QLatin1String("webhook_secret"))
        label = m_secretError;
    else if (field == QLatin1String("owners") || field.startsWith(QLatin1String("owners[")))
        label = m_ownersError;
    // Under its field, the message need not repeat the field's server-side name.
    const QString prefix = field + QStringLiteral(": ");
    label->setText(label != m_formError && message.startsWith(prefix) ? message.mid(prefix.size()) : message);
    label->show();
}

void RepositoryDialog::showWebhookSetup(const QString &secret)
{
    m_secretLabel->setText(secret);
    m_pages->setCurrentIndex(1);
}

} // namespace vitrine::desktop
