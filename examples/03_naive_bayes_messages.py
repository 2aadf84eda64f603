"""Step 3: naive Bayes on short text messages (ham or spam).

Each message becomes a bag of words: a row of counts, one column per word of the vocabulary. Multinomial
naive Bayes learns, per class, how often each word appears (with Laplace smoothing alpha) and classifies a
message by the class with the highest log prior + sum of count * log word probability — one matrix
product in the core.
"""

import re

import numpy as np
from _common import plt, save

from scratchlearn.datasets import load_messages
from scratchlearn.metrics import accuracy_score, confusion_matrix
from scratchlearn.model_selection import train_test_split
from scratchlearn.naive_bayes import MultinomialNB

texts, y = load_messages(return_X_y=True)


def tokens(text):
    return re.findall(r"[a-z0-9$&]+", text.lower())


train_texts, test_texts, y_train, y_test = train_test_split(texts, y, test_size=0.3, stratify=y, random_state=1)

# The vocabulary comes from the training messages only; unseen words at test time are ignored.
vocabulary = sorted({w for t in train_texts for w in tokens(t)})
index = {w: i for i, w in enumerate(vocabulary)}


def bag_of_words(messages):
    counts = np.zeros((len(messages), len(vocabulary)))
    for row, text in enumerate(messages):
        for w in tokens(text):
            if w in index:
                counts[row, index[w]] += 1
    return counts


nb = MultinomialNB(alpha=1.0).fit(bag_of_words(train_texts), y_train)
pred = nb.predict(bag_of_words(test_texts))
print(f"vocabulary: {len(vocabulary)} words; test accuracy {accuracy_score(y_test, pred):.3f}")
print("confusion matrix (rows: true ham, spam):")
print(confusion_matrix(y_test, pred))

# The words whose log-probability differs most between spam and ham.
spamminess = nb.feature_log_prob_[1] - nb.feature_log_prob_[0]
top = np.argsort(spamminess)[-12:]
fig, ax = plt.subplots(figsize=(6, 4))
ax.barh([vocabulary[i] for i in top], spamminess[top])
ax.set_xlabel("log P(word | spam) - log P(word | ham)")
ax.set_title("The most spam-like words")
save(fig, "naive_bayes_spam_words")
